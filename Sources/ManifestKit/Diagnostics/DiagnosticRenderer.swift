import GatewayModel

/// Prints diagnostics as text (compiler-style) or JSON.
public enum DiagnosticRenderer {
    /// `file:line:col: severity: message`, one per line, notes after their diagnostic.
    /// With `colored`, severities and locations use ANSI styles (callers decide: TTY and no `NO_COLOR`).
    public static func text(_ diagnostics: [Diagnostic], colored: Bool = false) -> String {
        var out = ""
        for diagnostic in diagnostics {
            line(diagnostic.location, diagnostic.severity.rawValue, diagnostic.message, colored: colored, into: &out)
            for note in diagnostic.notes {
                line(note.location, Diagnostic.Severity.note.rawValue, note.message, colored: colored, into: &out)
            }
        }
        return out
    }

    /// A one-line count, e.g. `2 errors, 1 warning`.
    public static func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        return "\(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")"
    }

    /// `{"valid":…, "errors":N, "warnings":N, "diagnostics":[…]}` with stable key order.
    public static func json(_ diagnostics: [Diagnostic], extra: [(String, JSON)] = []) -> String {
        func location(_ loc: SourceLocation) -> [(String, JSON)] {
            var fields: [(String, JSON)] = [("file", .string(loc.file))]
            if let line = loc.line { fields.append(("line", .int(line))) }
            if let column = loc.column { fields.append(("column", .int(column))) }
            return fields
        }
        let items: [JSON] = diagnostics.map { diagnostic in
            var fields: [(String, JSON)] = [
                ("severity", .string(diagnostic.severity.rawValue)),
                ("code", .string(diagnostic.code.rawValue)),
            ]
            fields += location(diagnostic.location)
            fields.append(("message", .string(diagnostic.message)))
            if !diagnostic.notes.isEmpty {
                fields.append(
                    (
                        "notes",
                        .array(
                            diagnostic.notes.map { .object(location($0.location) + [("message", .string($0.message))]) }
                        )
                    ))
            }
            return .object(fields)
        }
        let document: JSON = .object(
            [
                ("valid", .bool(!diagnostics.containsErrors)),
                ("errors", .int(diagnostics.filter { $0.severity == .error }.count)),
                ("warnings", .int(diagnostics.filter { $0.severity == .warning }.count)),
            ] + extra + [("diagnostics", .array(items))])
        return document.prettyPrinted()
    }

    private static func line(
        _ location: SourceLocation, _ severity: String, _ message: String, colored: Bool, into out: inout String
    ) {
        guard colored else {
            out += "\(location): \(severity): \(message)\n"
            return
        }
        let style: String
        switch severity {
        case "error": style = "\u{1B}[1;31m"
        case "warning": style = "\u{1B}[1;35m"
        default: style = "\u{1B}[1;36m"
        }
        out += "\u{1B}[1m\(location):\u{1B}[0m \(style)\(severity):\u{1B}[0m \u{1B}[1m\(message)\u{1B}[0m\n"
    }
}
