import Foundation
import GatewayModel

/// Field-level differences between two records, as dotted paths with JSON-rendered values.
///
/// Records are compared through their JSON form so that every kind diffs the same way; objects
/// are walked into paths (`budget.limitUSD`), arrays and scalars compare whole, as the compact
/// JSON text the encoder wrote.
enum FieldDiff {
    static func changes<T: Encodable>(from before: T?, to after: T) -> [FieldChange] {
        let old = before.map { flatten($0) } ?? [:]
        let new = flatten(after)
        var changes: [FieldChange] = []
        for path in Set(old.keys).union(new.keys).sorted() where old[path] != new[path] {
            changes.append(FieldChange(path: path, before: old[path], after: new[path]))
        }
        return changes
    }

    /// Leaf paths to compact JSON text: the encoder's output read back by the one JSON layer,
    /// objects walked into paths, every other value (and an empty object) one leaf.
    static func flatten<T: Encodable>(_ value: T) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let json = try? JSON.parse(data) else { return [:] }
        var leaves: [String: String] = [:]
        collect(json, path: "", into: &leaves)
        return leaves
    }

    private static func collect(_ value: JSON, path: String, into leaves: inout [String: String]) {
        if case .object(let object) = value, !object.isEmpty {
            for (key, member) in object {
                collect(member, path: path.isEmpty ? key : "\(path).\(key)", into: &leaves)
            }
        } else {
            leaves[path] = String(decoding: value.encoded(), as: UTF8.self)
        }
    }
}
