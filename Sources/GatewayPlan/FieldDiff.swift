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

    /// Leaf paths to compact JSON text.
    static func flatten<T: Encodable>(_ value: T) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return [:] }
        var flattener = Flattener(bytes: Array(data))
        flattener.value(path: "")
        return flattener.leaves
    }

    /// A small reader over the encoder's compact output: objects become paths, everything else a
    /// leaf holding its exact text. (The input is always valid JSON: the encoder wrote it.)
    private struct Flattener {
        let bytes: [UInt8]
        var position = 0
        var leaves: [String: String] = [:]

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func value(path: String) {
            guard position < bytes.count else { return }
            if bytes[position] == UInt8(ascii: "{"), position + 1 < bytes.count,
                bytes[position + 1] != UInt8(ascii: "}")
            {
                position += 1
                while position < bytes.count {
                    let key = string()
                    position += 1  // ':'
                    value(path: path.isEmpty ? key : "\(path).\(key)")
                    let separator = bytes[position]
                    position += 1  // ',' or '}'
                    if separator == UInt8(ascii: "}") { return }
                }
                return
            }
            let start = position
            skip()
            leaves[path] = String(decoding: bytes[start..<position], as: UTF8.self)
        }

        /// Reads a string literal and returns its (unescaped) text; keys the encoder writes are plain.
        mutating func string() -> String {
            let start = position
            skipString()
            let inner = bytes[(start + 1)..<(position - 1)]
            guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
            let literal = Data(bytes[start..<position])
            return (try? JSONDecoder().decode(String.self, from: literal)) ?? String(decoding: inner, as: UTF8.self)
        }

        mutating func skipString() {
            position += 1
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\\") {
                    position += 1
                } else if byte == UInt8(ascii: "\"") {
                    return
                }
            }
        }

        /// Skips one value of any kind.
        mutating func skip() {
            switch bytes[position] {
            case UInt8(ascii: "\""): skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                repeat {
                    let byte = bytes[position]
                    if byte == UInt8(ascii: "\"") {
                        skipString()
                        continue
                    }
                    if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
                    if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { depth -= 1 }
                    position += 1
                } while depth > 0 && position < bytes.count
            default:
                while position < bytes.count,
                    ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(bytes[position])
                {
                    position += 1
                }
            }
        }
    }
}
