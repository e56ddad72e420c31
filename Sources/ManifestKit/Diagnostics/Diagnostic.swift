import YAMLCore

/// Where a diagnostic points: a file, and a line and column when known (1-based).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public init(file: String, mark: Mark) {
        self.init(file: file, line: mark.line, column: mark.column)
    }

    /// `file:line:col`, or as much of it as is known.
    public var description: String {
        guard let line else { return file }
        guard let column else { return "\(file):\(line)" }
        return "\(file):\(line):\(column)"
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line ?? 0, lhs.column ?? 0) < (rhs.file, rhs.line ?? 0, rhs.column ?? 0)
    }
}

/// One finding about the input, printed compiler-style: `file:line:col: error: message`.
public struct Diagnostic: Sendable, Hashable, Error {
    /// How much the finding matters; any error makes the input invalid.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
        case note
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// A stable identifier of the kind of finding, for machines (JSON output, CI filters).
    public var code: DiagnosticCode
    /// Related positions, e.g. where a duplicated name was first defined.
    public var notes: [Note]

    public init(
        _ severity: Severity, _ code: DiagnosticCode, at location: SourceLocation, _ message: String,
        notes: [Note] = []
    ) {
        self.severity = severity
        self.code = code
        self.location = location
        self.message = message
        self.notes = notes
    }

    public static func error(
        _ code: DiagnosticCode, at location: SourceLocation, _ message: String, notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.error, code, at: location, message, notes: notes)
    }

    public static func warning(
        _ code: DiagnosticCode, at location: SourceLocation, _ message: String, notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.warning, code, at: location, message, notes: notes)
    }

    /// A secondary position attached to a diagnostic.
    public struct Note: Sendable, Hashable {
        public var location: SourceLocation
        public var message: String

        public init(_ message: String, at location: SourceLocation) {
            self.location = location
            self.message = message
        }
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, then position, keeping the order of findings at one position.
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }.map(\.element)
    }
}
