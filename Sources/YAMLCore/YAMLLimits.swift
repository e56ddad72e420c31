/// Bounds that keep hostile documents from costing unbounded time or memory.
public struct YAMLLimits: Sendable {
    /// Nodes that aliases may add to one document once expanded. A billion-laughs document
    /// crosses this after a few levels and is refused before anything walks it.
    public var maxAliasExpansion: Int
    /// Nesting depth of collections; keeps recursive consumers far from the stack's end.
    public var maxDepth: Int

    public init(maxAliasExpansion: Int = 1_000_000, maxDepth: Int = 256) {
        self.maxAliasExpansion = maxAliasExpansion
        self.maxDepth = maxDepth
    }

    public static let `default` = YAMLLimits()
}
