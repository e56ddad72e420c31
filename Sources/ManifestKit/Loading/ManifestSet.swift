import GatewayModel

/// What loading manifests produced: the desired state, every diagnostic, and the documents
/// behind it (so later stages can point at manifest positions).
public struct ManifestSet: Sendable {
    /// The declared state. Meaningful only when `diagnostics` holds no error.
    public var state: DesiredState
    /// Every finding, sorted by file and position.
    public var diagnostics: [Diagnostic]
    /// The documents that made it into `state`, in load order.
    public var documents: [ManifestDocument]
    /// The manifest files read, in load order.
    public var files: [String]
    /// Positions in `documents` by kind and name, so lookups stay constant-time at 100k resources.
    private let index: [ManifestSchema.Kind: [String: Int]]

    public init(state: DesiredState, diagnostics: [Diagnostic], documents: [ManifestDocument], files: [String]) {
        self.state = state
        self.diagnostics = diagnostics
        self.documents = documents
        self.files = files
        var index: [ManifestSchema.Kind: [String: Int]] = [:]
        for (position, document) in documents.enumerated() where index[document.kind]?[document.name] == nil {
            index[document.kind, default: [:]][document.name] = position
        }
        self.index = index
    }

    /// Whether the manifests are valid (warnings allowed).
    public var isValid: Bool { !diagnostics.containsErrors }

    /// The document declaring the resource `name` of `kind`.
    public func document(_ kind: ManifestSchema.Kind, named name: String) -> ManifestDocument? {
        index[kind]?[name].map { documents[$0] }
    }
}
