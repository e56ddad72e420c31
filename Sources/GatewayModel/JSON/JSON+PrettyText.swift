extension JSON {
    /// An object with these members in this order, for writers that build documents field by
    /// field (the JSON Schema, diagnostics); a repeated key keeps its last value.
    public static func object(_ members: [(String, JSON)]) -> JSON {
        .object(JSONObject(members))
    }

    /// Two-space indented JSON ending in a newline, members in their order; empty containers
    /// print as `[]` and `{}`. For files people read and diff (`schemas/`, `--format json`).
    public func prettyPrinted() -> String {
        var out = ""
        writePretty(into: &out, indent: 0)
        out += "\n"
        return out
    }

    private func writePretty(into out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let value): out += value.text
        case .string(let value): JSONText.appendQuoted(value, to: &out)
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                item.writePretty(into: &out, indent: indent + 2)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let object):
            guard !object.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, member) in object.members.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                JSONText.appendQuoted(member.key, to: &out)
                out += ": "
                member.value.writePretty(into: &out, indent: indent + 2)
                out += index == object.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }
}
