/// A position in a YAML source, 1-based line and column (columns count Unicode scalars, as libyaml does).
///
/// Stored in 32 bits each: every node of a document carries one, and a 1M-key manifest set has
/// tens of millions of nodes (a file of 4 billion lines would be far past any limit).
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.storedLine, lhs.storedColumn) < (rhs.storedLine, rhs.storedColumn)
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

    // Field order and the boxed tag keep a node at 64 bytes rather than 72: a 1M-key manifest
    // set holds tens of millions of nodes at once.

    /// Where the node starts: the first character of a scalar (its quote, if quoted), or the
    /// first entry of a block collection.
    public var mark: Mark
    /// Almost no node has an explicit tag, so it costs a pointer rather than a string.
    private let tagBox: TagBox?
    public let content: Content

    /// The scalar's type, resolved once when the node is built, without repeating its text.
    private let resolution: Resolution

    /// The scalar's type under the core schema, resolved once when the node is built.
    public var resolved: ResolvedScalar? {
        switch resolution {
        case .none: return nil
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .float(let value): return .float(value)
        case .string: return scalar.map { .string($0.text) }
        case .invalid(let tag): return .invalid(tag: tag.name)
        }
    }

    // Typed reads for the validator and decoders, which ask millions of times on a large
    // manifest set: they read the stored resolution without building a `ResolvedScalar`.

    /// The text of a scalar the core schema types as a string.
    public var resolvedString: String? {
        guard case .string = resolution, case .scalar(let scalar) = content else { return nil }
        return scalar.text
    }

    /// The value of a scalar typed as an integer.
    public var resolvedInt: Int? {
        if case .int(let value) = resolution { return value }
        return nil
    }

    /// The value of a scalar typed as an integer or a finite float.
    public var resolvedNumber: Double? {
        switch resolution {
        case .int(let value): return Double(value)
        case .float(let value) where value.isFinite: return value
        default: return nil
        }
    }

    /// The value of a scalar typed as a boolean.
    public var resolvedBool: Bool? {
        if case .bool(let value) = resolution { return value }
        return nil
    }

    /// `ResolvedScalar` in 9 bytes instead of 17: a string's text is the scalar's own.
    private enum Resolution: Sendable {
        case none, null, string
        case bool(Bool)
        case int(Int)
        case float(Double)
        case invalid(StandardTag)

        init(_ resolved: ResolvedScalar?) {
            switch resolved {
            case nil: self = .none
            case .null?: self = .null
            case .bool(let value)?: self = .bool(value)
            case .int(let value)?: self = .int(value)
            case .float(let value)?: self = .float(value)
            case .string?: self = .string
            // The resolver names only the four standard tags.
            case .invalid(let tag)?: self = StandardTag(name: tag).map(Resolution.invalid) ?? .string
            }
        }
    }

    /// The tags a scalar's text can fail to fit.
    private enum StandardTag: UInt8, CaseIterable {
        case int, float, bool, null

        var name: String { "!!" + String(describing: self) }

        init?(name: String) {
            guard let tag = Self.allCases.first(where: { $0.name == name }) else { return nil }
            self = tag
        }
    }

    /// The explicit tag in its resolved form (`!!str` arrives as `tag:yaml.org,2002:str`), if any.
    public var tag: String? { tagBox?.text }

    private final class TagBox: Sendable {
        let text: String
        init(_ text: String) { self.text = text }
    }

    public init(content: Content, mark: Mark, tag: String? = nil) {
        self.content = content
        self.mark = mark
        tagBox = tag.map(TagBox.init)
        if case .scalar(let scalar) = content {
            resolution = Resolution(ScalarResolver.resolve(scalar, tag: tag))
        } else {
            resolution = .none
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
