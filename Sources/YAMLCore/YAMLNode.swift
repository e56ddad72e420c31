/// A position in a YAML source, 1-based line and column (columns count Unicode scalars, as libyaml does).
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// One node of a YAML document, with the position where it starts.
///
/// Aliases are expanded into copies of their anchored node; the copies share storage
/// (Swift arrays are copy-on-write), so expansion costs no memory until a consumer walks it,
/// and ``YAMLLimits/maxAliasExpansion`` bounds that walk.
public struct YAMLNode: Sendable {
    /// What the node holds.
    public enum Content: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public let content: Content
    /// Where the node starts: the first character of a scalar (its quote, if quoted), or the
    /// first entry of a block collection.
    public var mark: Mark
    /// The explicit tag in its resolved form (`!!str` arrives as `tag:yaml.org,2002:str`), if any.
    public let tag: String?

    /// The scalar's type under the core schema, resolved once when the node is built.
    public let resolved: ResolvedScalar?

    public init(content: Content, mark: Mark, tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.tag = tag
        if case .scalar(let scalar) = content {
            resolved = ScalarResolver.resolve(scalar, tag: tag)
        } else {
            resolved = nil
        }
    }

    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The entries, if this node is a mapping.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The items, if this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The value of the first entry whose key is the plain string `key`.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar?.text == key { return pair.value }
        return nil
    }

    /// The entry whose key is `key`, to reach the key's own position.
    public func pair(_ key: String) -> YAMLPair? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar?.text == key { return pair }
        return nil
    }

    /// A short name of what the node is, for messages ("a mapping", "integer 12", …).
    public var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            switch resolved ?? .string(scalar.text) {
            case .null: return "null"
            case .bool: return "boolean '\(scalar.text)'"
            case .int: return "integer '\(scalar.text)'"
            case .float: return "number '\(scalar.text)'"
            case .string: return "string '\(scalar.text)'"
            case .invalid(let tag): return "'\(scalar.text)' (not a valid \(tag))"
            }
        }
    }
}

/// One entry of a mapping.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A scalar's text as written, with how it was written.
public struct YAMLScalar: Sendable, Hashable {
    /// How the scalar was written; only plain scalars are typed by the core schema.
    public enum Style: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var text: String
    public var style: Style

    public init(text: String, style: Style) {
        self.text = text
        self.style = style
    }
}

/// The value of a scalar typed by the YAML 1.2 core schema.
public enum ResolvedScalar: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    /// An explicit standard tag (`!!int`, …) whose text does not fit it; carries the tag's short name.
    case invalid(tag: String)
}
