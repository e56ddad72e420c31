/// Something wrong with a YAML stream, at a position.
public struct YAMLProblem: Sendable, Hashable, Error {
    public enum Kind: Sendable, Hashable {
        /// libyaml could not read or parse the text; parsing stopped here.
        case syntax(String)
        /// A key appears twice in one mapping; `first` is where it appeared before.
        case duplicateKey(key: String, first: Mark)
        /// An alias names an anchor that was not defined earlier in the document.
        case undefinedAlias(String)
        /// Aliases would expand the document past ``YAMLLimits/maxAliasExpansion``; parsing stopped.
        case aliasExpansionLimit(Int)
        /// Collections nest deeper than ``YAMLLimits/maxDepth``; parsing stopped.
        case depthLimit(Int)
    }

    public var kind: Kind
    public var mark: Mark
    /// For syntax errors, what libyaml was reading and where that began ("while parsing a flow sequence").
    public var context: Context?

    /// The construct a syntax error happened inside.
    public struct Context: Sendable, Hashable {
        public var description: String
        public var mark: Mark
    }

    public init(_ kind: Kind, at mark: Mark, context: Context? = nil) {
        self.kind = kind
        self.mark = mark
        self.context = context
    }

    /// Whether parsing stopped at this problem (later documents of the stream were not read).
    public var isFatal: Bool {
        switch kind {
        case .syntax, .aliasExpansionLimit, .depthLimit: return true
        case .duplicateKey, .undefinedAlias: return false
        }
    }

    /// A one-line description for a diagnostic.
    public var message: String {
        switch kind {
        case .syntax(let text): return text
        case .duplicateKey(let key, _): return "duplicate key '\(key)'"
        case .undefinedAlias(let name): return "alias '*\(name)' names no anchor defined before it"
        case .aliasExpansionLimit(let limit):
            return "aliases expand this document past \(limit) nodes; refusing it (a billion-laughs document?)"
        case .depthLimit(let limit): return "collections nest deeper than \(limit) levels"
        }
    }
}

/// The documents of a YAML stream and the problems found while reading it.
public struct YAMLStream: Sendable {
    /// Each document's root, with the position of its start; empty documents have a null scalar root.
    public var documents: [YAMLDocument]
    /// Problems in stream order. A fatal one is last: the documents before it are complete.
    public var problems: [YAMLProblem]
}

/// One document of a stream.
public struct YAMLDocument: Sendable {
    public var root: YAMLNode
    /// Where the document starts (its `---`, or its first node).
    public var mark: Mark
    /// Whether the document holds nothing but comments (or nothing at all).
    public var isEmpty: Bool {
        if case .scalar(let scalar) = root.content, scalar.style == .plain, scalar.text.isEmpty, root.tag == nil {
            return true
        }
        return false
    }
}
