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

        public init(
            limits: YAMLLimits = .default, maxFileBytes: Int = 256 << 20,
            parallelism: Int = min(8, ProcessInfo.processInfo.activeProcessorCount)
        ) {
            self.limits = limits
            self.maxFileBytes = maxFileBytes
            self.parallelism = parallelism
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

    /// Loads manifests already in memory.
    public func load(sources: [Source]) -> ManifestSet {
        var diagnostics: [Diagnostic] = []
        var documents: [ManifestDocument] = []
        for source in sources {
            for reader in read(source) {
                diagnostics += reader.diagnostics
                documents += reader.documents
            }
        }
        var assembler = ManifestAssembler(documents: documents)
        let (state, kept) = assembler.assemble()
        diagnostics += assembler.diagnostics
        return ManifestSet(
            state: state, diagnostics: diagnostics.sortedByLocation(), documents: kept, files: sources.map(\.path))
    }

    /// Parses and validates one file; a large one in pieces on every core. A piece with a YAML
    /// syntax error sends the file back to one parser, so problems read exactly as they would.
    private func read(_ source: Source) -> [DocumentReader] {
        let limits = options.limits
        let chunks = DocumentChunks.split(source.bytes, into: options.parallelism)
        @Sendable func reader(_ bytes: [UInt8], firstLine: Int) -> DocumentReader {
            var reader = DocumentReader(file: source.path)
            reader.read(YAMLParser.parse(bytes, limits: limits, firstLine: firstLine))
            return reader
        }
        guard chunks.count > 1 else { return [reader(source.bytes, firstLine: 1)] }
        let readers = UnsafeMutableBufferPointer<DocumentReader?>.allocate(capacity: chunks.count)
        readers.initialize(repeating: nil)
        defer { readers.deallocate() }
        // Safe: each iteration writes only its own slot, and concurrentPerform returns after all of them.
        nonisolated(unsafe) let slots = readers
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            let chunk = chunks[index]
            slots[index] = reader(Array(source.bytes[chunk.range]), firstLine: chunk.firstLine)
        }
        let pieces = readers.compactMap { $0 }
        guard pieces.allSatisfy({ !$0.diagnostics.contains { $0.code == .yamlSyntax } }) else {
            return [reader(source.bytes, firstLine: 1)]
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
