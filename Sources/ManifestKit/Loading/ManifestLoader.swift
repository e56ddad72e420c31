import Foundation
import GatewayModel
import YAMLCore

/// Loads manifests from files, directories or memory into a `ManifestSet`.
///
/// Loading never throws and never stops at the first problem: every diagnostic of every file
/// comes back at once, and the caller decides (exit code 1 on any error).
public struct ManifestLoader: Sendable {
    /// Tuning and context for a load.
    public struct Options: Sendable {
        public var limits: YAMLLimits
        /// Files larger than this are refused rather than read.
        public var maxFileBytes: Int
        /// Pieces a large file is parsed in at once (one per core by default; 1 parses serially).
        public var parallelism: Int
        /// The selected environment's variables, for `${var.NAME}`; nil when none is selected.
        public var variables: [String: YAMLScalar]?

        public init(
            limits: YAMLLimits = .default, maxFileBytes: Int = 256 << 20,
            parallelism: Int = min(8, ProcessInfo.processInfo.activeProcessorCount),
            variables: [String: YAMLScalar]? = nil
        ) {
            self.limits = limits
            self.maxFileBytes = maxFileBytes
            self.parallelism = parallelism
            self.variables = variables
        }
    }

    /// Manifest text held in memory, named as if it were a file.
    public struct Source: Sendable {
        public var path: String
        public var bytes: [UInt8]

        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }

        public init(path: String, text: String) {
            self.init(path: path, bytes: Array(text.utf8))
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Loads every manifest under `paths` (files, or directories searched recursively).
    public func load(paths: [String]) -> ManifestSet {
        let (files, discoveryDiagnostics) = ManifestFiles.discover(paths)
        var sources: [Source] = []
        var diagnostics = discoveryDiagnostics
        for file in files {
            switch read(file) {
            case .success(let bytes): sources.append(Source(path: file, bytes: bytes))
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        var set = load(sources: sources)
        set.files = files
        set.diagnostics = (diagnostics + set.diagnostics).sortedByLocation()
        return set
    }

    /// Loads manifests already in memory. A document marked `patch: true` merges into the
    /// document of its kind and name from an earlier source (`OverlayMerge`).
    public func load(sources: [Source]) -> ManifestSet {
        var diagnostics: [Diagnostic] = []
        var documents: [(source: Int, document: ManifestDocument)] = []
        var patches: [(source: Int, document: ManifestDocument)] = []
        var lines = SourceLines()
        for (index, source) in sources.enumerated() {
            var readers = read(source, firstLine: 1)
            if readers.contains(where: { !$0.patches.isEmpty }) {
                // Patches merge nodes of two files: this file's lines get a range of their own.
                let count = source.bytes.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                readers = read(source, firstLine: lines.reserve(source.path, lineCount: count))
            }
            for reader in readers {
                diagnostics += reader.diagnostics
                documents += reader.documents.map { (index, $0) }
                patches += reader.patches.map { (index, $0) }
            }
        }
        if !patches.isEmpty {
            diagnostics += merge(patches, into: &documents, lines: &lines)
        }
        var assembler = ManifestAssembler(
            documents: documents.map { entry in
                var document = entry.document
                document.lines = lines
                return document
            })
        let (state, kept) = assembler.assemble()
        diagnostics += assembler.diagnostics
        if !lines.isEmpty {
            // A merged document is validated again: its base's own diagnostics come twice.
            var seen: Set<Diagnostic> = []
            diagnostics = diagnostics.map(lines.real).filter { seen.insert($0).inserted }
        }
        return ManifestSet(
            state: state, diagnostics: diagnostics.sortedByLocation(), documents: kept, files: sources.map(\.path))
    }

    /// Merges each patch into the latest document of its kind and name from an earlier source,
    /// and validates what the merge makes; returns the diagnostics of both.
    private func merge(
        _ patches: [(source: Int, document: ManifestDocument)],
        into documents: inout [(source: Int, document: ManifestDocument)], lines: inout SourceLines
    ) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var merged: Set<Int> = []
        for (source, patch) in patches {
            let located = lines
            guard
                let target = documents.lastIndex(where: {
                    $0.source < source && $0.document.kind == patch.kind && $0.document.name == patch.name
                })
            else {
                let names = documents.filter { $0.document.kind == patch.kind }.map(\.document.name)
                diagnostics.append(
                    .error(
                        .overlayTargetMissing, at: SourceLocation(file: patch.file, mark: patch.node.mark),
                        "patch: no earlier \(patch.kind.rawValue) named '\(patch.name)' to patch"
                            + DidYouMean.hint(for: patch.name, among: names)))
                continue
            }
            var base = documents[target].document
            base.lines = located
            lines.notePatch(
                at: patch.node.mark.line, of: "\(patch.kind.rawValue) '\(patch.name)'", base: base.nameLocation)
            var overlay = OverlayMerge { located.location(file: patch.file, mark: $0) }
            documents[target].document.node = overlay.document(documents[target].document.node, patch.node)
            diagnostics += overlay.diagnostics
            merged.insert(target)
        }
        for target in merged.sorted() {
            let document = documents[target].document
            var validator = ShapeValidator(file: document.file)
            validator.validateRoot(document.node, against: ManifestSchema.envelope(for: document.kind))
            diagnostics += validator.diagnostics
        }
        return diagnostics
    }

    /// Parses and validates one file; a large one in pieces on every core. A piece with a YAML
    /// syntax error sends the file back to one parser, so problems read exactly as they would.
    /// `firstLine` numbers the file's first line (an overlay range, for files holding patches).
    private func read(_ source: Source, firstLine: Int) -> [DocumentReader] {
        let limits = options.limits
        let variables = options.variables
        let substituting = VariableSubstitution.mayReference(source.bytes)
        let chunks = DocumentChunks.split(source.bytes, into: options.parallelism)
        @Sendable func reader(_ bytes: [UInt8], firstLine: Int) -> DocumentReader {
            var reader = DocumentReader(file: source.path, substituting: substituting, variables: variables)
            reader.read(YAMLParser.parse(bytes, limits: limits, firstLine: firstLine))
            return reader
        }
        guard chunks.count > 1 else { return [reader(source.bytes, firstLine: firstLine)] }
        let readers = UnsafeMutableBufferPointer<DocumentReader?>.allocate(capacity: chunks.count)
        readers.initialize(repeating: nil)
        defer { readers.deallocate() }
        // Safe: each iteration writes only its own slot, and concurrentPerform returns after all of them.
        nonisolated(unsafe) let slots = readers
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            let chunk = chunks[index]
            slots[index] = reader(Array(source.bytes[chunk.range]), firstLine: firstLine - 1 + chunk.firstLine)
        }
        let pieces = readers.compactMap { $0 }
        guard pieces.allSatisfy({ !$0.diagnostics.contains { $0.code == .yamlSyntax } }) else {
            return [reader(source.bytes, firstLine: firstLine)]
        }
        return pieces
    }

    private func read(_ file: String) -> Result<[UInt8], Diagnostic> {
        let location = SourceLocation(file: file)
        guard let handle = FileHandle(forReadingAtPath: file) else {
            return .failure(.error(.fileUnreadable, at: location, "cannot open the file for reading"))
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: options.maxFileBytes + 1) ?? Data()
            guard data.count <= options.maxFileBytes else {
                return .failure(
                    .error(.fileUnreadable, at: location, "file is larger than \(options.maxFileBytes >> 20) MiB"))
            }
            return .success([UInt8](data))
        } catch {
            return .failure(
                .error(.fileUnreadable, at: location, "cannot read the file: \(error.localizedDescription)"))
        }
    }
}
