import YAMLCore

/// Where the lines of overlay files are.
///
/// A patch merges nodes of two files into one document, and a node knows only its line and
/// column. So a file holding patches is parsed with its lines numbered from a range no real
/// file reaches (`SourceLines.base` and up, one range per file), and locations are made
/// through this table, which gives every such line back its file, its real line, and the
/// base document the patch at that line merges into.
public struct SourceLines: Sendable {
    /// The first line number of the overlay ranges: above any line of a file gwctl reads
    /// (at most 256 MiB), so a mark below it is a real line of its document's own file.
    public static let base = 1 << 28

    private var files: [(start: Int, path: String)] = []
    /// Patch documents by the line they start at: the base they patch, for the note on each diagnostic.
    private var patches: [(start: Int, target: String, base: SourceLocation)] = []
    private var next = SourceLines.base

    public init() {}

    /// Whether no file was given an overlay range.
    public var isEmpty: Bool { files.isEmpty }

    /// Reserves a range for a file of `lineCount` lines; returns the number of its first line.
    mutating func reserve(_ path: String, lineCount: Int) -> Int {
        let start = next
        files.append((start, path))
        next += lineCount + 1
        return start
    }

    /// Records that the patch document starting at `line` merges into `target`, defined at `base`.
    mutating func notePatch(at line: Int, of target: String, base: SourceLocation) {
        let index = patches.firstIndex { $0.start > line } ?? patches.endIndex
        patches.insert((line, target, base), at: index)
    }

    /// The location of `mark` in a document read from `file`.
    public func location(file: String, mark: Mark) -> SourceLocation {
        guard mark.line >= Self.base, let entry = files.last(where: { $0.start <= mark.line }) else {
            return SourceLocation(file: file, mark: mark)
        }
        return SourceLocation(file: entry.path, line: mark.line - entry.start + 1, column: mark.column)
    }

    /// `location` of an overlay line made real; other locations unchanged.
    func real(_ location: SourceLocation) -> SourceLocation {
        guard let line = location.line, line >= Self.base else { return location }
        return self.location(file: location.file, mark: Mark(line: line, column: location.column ?? 1))
    }

    /// `diagnostic` with overlay lines made real, and, when it points into a patch, a note
    /// naming the base position it patches.
    func real(_ diagnostic: Diagnostic) -> Diagnostic {
        guard !files.isEmpty else { return diagnostic }
        var real = diagnostic
        real.location = self.real(diagnostic.location)
        real.notes = diagnostic.notes.map { Diagnostic.Note($0.message, at: self.real($0.location)) }
        if let line = diagnostic.location.line, line >= Self.base,
            let patch = patches.last(where: { $0.start <= line }),
            files.last(where: { $0.start <= line })?.start == files.last(where: { $0.start <= patch.start })?.start
        {
            real.notes.append(.init("this patches \(patch.target), defined here", at: patch.base))
        }
        return real
    }
}
