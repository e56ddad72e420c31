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

    /// Whether the manifests are valid (warnings allowed).
    public var isValid: Bool { !diagnostics.containsErrors }

    /// The document declaring the resource `name` of `kind`.
    public func document(_ kind: ManifestSchema.Kind, named name: String) -> ManifestDocument? {
        documents.first { $0.kind == kind && $0.name == name }
    }
}
