import YAMLCore

/// One manifest document that passed the envelope checks: its kind and name are known.
public struct ManifestDocument: Sendable {
    public var file: String
    public var kind: ManifestSchema.Kind
    public var name: String
    /// The whole document, with positions, for diagnostics that point into it.
    public var node: YAMLNode
    /// Where lines of overlay files are, when a patch merged into this document.
    public var lines = SourceLines()

    /// Where the document's `metadata.name` value is.
    public var nameLocation: SourceLocation {
        location(of: node["metadata"]?["name"])
    }

    /// The location of `node`, or of the document when it is nil.
    public func location(of node: YAMLNode?) -> SourceLocation {
        lines.location(file: file, mark: (node ?? self.node).mark)
    }

    /// The location of the key `key` inside `node` (the key itself, not its value), or of `node` without it.
    public func keyLocation(_ key: String, in node: YAMLNode?) -> SourceLocation {
        guard let pair = node?.pair(key) else { return location(of: node) }
        return lines.location(file: file, mark: pair.key.mark)
    }
}
