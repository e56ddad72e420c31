/// JSON string literals, for the few places that write JSON text by hand (generated schemas,
/// log lines) and need stable key order or speed that an encoder does not give.
public enum JSONText {
    /// Appends `value` to `out` as a JSON string literal with the escapes RFC 8259 requires.
    public static func appendQuoted(_ value: String, to out: inout String) {
        out += "\""
        // Most values (names, ids, numbers) need no escape: one append instead of one per scalar.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += value
            out += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// `value` as a JSON string literal.
    public static func quoted(_ value: String) -> String {
        var out = ""
        appendQuoted(value, to: &out)
        return out
    }
}
