/// JSON string literals, for the few places that write JSON text by hand (generated schemas,
/// log lines) and need stable key order or speed that an encoder does not give.
public enum JSONText {
    /// Appends `value` to `out` as a JSON string literal with the escapes RFC 8259 requires: the
    /// same escapes as the byte writer below, which does the escaping for both.
    public static func appendQuoted(_ value: String, to out: inout String) {
        // Most values (names, ids, numbers) need no escape: one append instead of a byte buffer.
        if !value.utf8.contains(where: needsEscape) {
            out += "\""
            out += value
            out += "\""
            return
        }
        var bytes: [UInt8] = []
        appendQuoted(value, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `value` to `out` as a JSON string literal in UTF-8, for writers that build bytes
    /// (the data plane's answers and log lines).
    public static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Native strings are contiguous UTF-8: scanning and copying the buffer is several times
        // faster than the UTF8View's iterator (a tenth of a translated request's time before).
        let plain = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for byte in bytes where needsEscape(byte) { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        guard value.utf8.contains(where: needsEscape) else {
            out.append(contentsOf: value.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether a UTF-8 byte cannot stand in a JSON string as it is.
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// `value` as a JSON string literal.
    public static func quoted(_ value: String) -> String {
        var out = ""
        appendQuoted(value, to: &out)
        return out
    }
}
