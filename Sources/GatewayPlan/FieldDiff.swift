import Foundation
import GatewayModel

/// Field-level differences between two records, as dotted paths with JSON-rendered values.
///
/// Records are compared through their JSON form so that every kind diffs the same way; objects
/// are walked into paths (`budget.limitUSD`), arrays and scalars compare whole.
enum FieldDiff {
    static func changes<T: Encodable>(from before: T?, to after: T) -> [FieldChange] {
        let old = before.map(flatten) ?? [:]
        let new = flatten(after)
        var changes: [FieldChange] = []
        for path in Set(old.keys).union(new.keys).sorted() where old[path] != new[path] {
            changes.append(FieldChange(path: path, before: old[path], after: new[path]))
        }
        return changes
    }

    /// Leaf paths to compact JSON text.
    static func flatten<T: Encodable>(_ value: T) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data) else {
            return [:]
        }
        var out: [String: String] = [:]
        walk(object, path: "", into: &out, encoder: encoder)
        return out
    }

    private static func walk(_ value: Any, path: String, into out: inout [String: String], encoder: JSONEncoder) {
        if let object = value as? [String: Any], !object.isEmpty {
            for (key, child) in object {
                walk(child, path: path.isEmpty ? key : "\(path).\(key)", into: &out, encoder: encoder)
            }
            return
        }
        let data =
            (try? JSONSerialization.data(
                withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        out[path] = String(decoding: data, as: UTF8.self)
    }
}
