/// A cursor over JSON text for the few shapes decoded on hot paths (API key records: 100k per
/// state read). It reads what the gateway's encoders write and answers nil for anything else
/// (an unknown key, a `null`, a `\u` escape, a repeated key), so callers fall back to
/// `JSONDecoder` and the fast path never decides a question the full decoder would answer
/// differently.
package struct CanonicalJSONReader: ~Copyable {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// The offset of the next unread byte.
    package private(set) var index = 0

    package init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Goes back to an earlier offset, to read a value again another way.
    package mutating func rewind(to offset: Int) {
        index = offset
    }

    /// Passes over one value of any kind (strings, numbers, literals, nested arrays and objects)
    /// without decoding it; false on malformed text.
    package mutating func skipValue() -> Bool {
        skipSpace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard skipString() else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return true
                    }
                default: break
                }
                index += 1
            }
            return false
        default:
            let start = index
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: " "), UInt8(ascii: "\n"),
                    UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    return index > start
                default: index += 1
                }
            }
            return index > start
        }
    }

    private mutating func skipString() -> Bool {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return true
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        return false
    }

    /// Reads `[ value, … ]`, handing each element to `element`, which reads it and returns false to give up.
    package mutating func array(_ element: (inout CanonicalJSONReader) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "[")) else { return false }
        if consume(UInt8(ascii: "]")) { return true }
        repeat {
            skipSpace()
            guard element(&self) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]"))
    }

    package var atEnd: Bool {
        mutating get {
            skipSpace()
            return index == bytes.count
        }
    }

    /// Reads `{ "key": value, … }`, handing each key to `member`, which reads the value and
    /// returns false to give up.
    package mutating func object(_ member: (inout CanonicalJSONReader, String) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = string(), consume(UInt8(ascii: ":")), member(&self, key) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    /// Reads an object whose keys are `fields` (one bit each): an unknown or repeated key, or a
    /// missing `required` one, gives up. `member` reads each value, as in `object(_:)`.
    package mutating func object(
        fields: [String: UInt16], required: UInt16, _ member: (inout CanonicalJSONReader, String) -> Bool
    ) -> Bool {
        var seen: UInt16 = 0
        let read = object { reader, key in
            let bit = fields[key] ?? 0
            guard bit != 0, seen & bit == 0 else { return false }
            seen |= bit
            return member(&reader, key)
        }
        return read && seen & required == required
    }

    /// Reads `[ "a", "b" ]`.
    package mutating func strings() -> [String]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var values: [String] = []
        if consume(UInt8(ascii: "]")) { return values }
        repeat {
            guard let value = string() else { return nil }
            values.append(value)
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]")) ? values : nil
    }

    /// Reads `{ "a": "x", … }` (labels, options); nil on a repeated key.
    package mutating func stringMap() -> [String: String]? {
        var map: [String: String] = [:]
        let read = object { reader, key in
            guard map[key] == nil, let value = reader.string() else { return false }
            map[key] = value
            return true
        }
        return read ? map : nil
    }

    /// Reads `true` or `false`.
    package mutating func bool() -> Bool? {
        skipSpace()
        for (literal, value) in [("true", true), ("false", false)] {
            let end = index + literal.utf8.count
            if end <= bytes.count, bytes[index..<end].elementsEqual(literal.utf8) {
                index = end
                return value
            }
        }
        return nil
    }

    /// A string with the escapes JSONEncoder writes for printable text (`\"`, `\\`, `\/` and
    /// the control letters); `\u` gives up.
    package mutating func string() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var plain = true
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                let end = index
                index += 1
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
                return plain ? String(decoding: slice, as: UTF8.self) : Self.unescape(slice)
            case UInt8(ascii: "\\"):
                plain = false
                index += 2
            case 0..<0x20:
                return nil
            default:
                index += 1
            }
        }
        return nil
    }

    /// An integer written as digits, with an optional minus sign.
    package mutating func integer() -> Int? {
        skipSpace()
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var value = 0
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        guard index > start else { return nil }
        // A fraction or exponent is the full decoder's question.
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            return nil
        }
        return negative ? -value : value
    }

    /// A JSON number as a Double (correctly rounded, as the full decoder's).
    package mutating func double() -> Double? {
        skipSpace()
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        guard index > start else { return nil }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default: return false
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var position = 0
        while position < raw.count {
            let byte = raw[position]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                position += 1
                continue
            }
            guard position + 1 < raw.count else { return nil }
            switch raw[position + 1] {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            default: return nil
            }
            position += 2
        }
        return String(validating: out, as: UTF8.self)
    }
}
