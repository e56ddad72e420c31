/// What a manifest value must look like. One description drives both the validator and the
/// published JSON Schema, so the two cannot disagree.
public indirect enum Shape: Sendable {
    case string(StringFormat)
    /// One of a fixed set of strings.
    case enumeration([String])
    /// Exactly this string.
    case constant(String)
    case integer(minimum: Int?)
    case number(minimum: Double?)
    case boolean
    /// A span of time, `Interval`'s spelling: `90s`, `30m`, `24h`, `7d`, or `0`.
    case interval
    case list(of: Shape, minItems: Int = 0, uniqueItems: Bool = false)
    /// A mapping with free string keys and values of one shape.
    case map(of: Shape)
    case object(ObjectShape)
    /// Any mapping, contents unchecked here (a document's `spec` before its kind is known).
    case anyMapping
    /// A named shape, emitted once under `$defs` in the JSON Schema.
    case reference(Definition)
}

/// A mapping with a fixed set of fields; any other field is an error.
public struct ObjectShape: Sendable {
    public var fields: [Field]
    /// Groups of fields of which exactly one must be present (e.g. a rule's actions).
    public var exactlyOneOf: [[String]]
    /// The fewest fields that must be present (e.g. a rate limit needs at least one rate).
    public var minFields: Int
    /// Fields required unless another field has one of some values (`baseURL` unless `type: mock`).
    public var requiredUnless: [ConditionalRequirement]

    public init(
        _ fields: [Field], exactlyOneOf: [[String]] = [], minFields: Int = 0,
        requiredUnless: [ConditionalRequirement] = []
    ) {
        self.fields = fields
        self.exactlyOneOf = exactlyOneOf
        self.minFields = minFields
        self.requiredUnless = requiredUnless
    }

    /// The field named `name`.
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}

/// `field` must be present unless `otherField` holds one of `values`.
public struct ConditionalRequirement: Sendable {
    public var field: String
    public var otherField: String
    public var values: [String]

    public init(field: String, unless otherField: String, in values: [String]) {
        self.field = field
        self.otherField = otherField
        self.values = values
    }
}

/// One field of an object.
public struct Field: Sendable {
    public var name: String
    public var shape: Shape
    public var required: Bool
    /// One sentence for the schema's `description` (editors show it on hover).
    public var summary: String

    public init(_ name: String, _ shape: Shape, required: Bool = false, _ summary: String) {
        self.name = name
        self.shape = shape
        self.required = required
        self.summary = summary
    }
}

/// A shape with a name, shared by several fields.
public struct Definition: Sendable {
    public var name: String
    public var summary: String
    public var shape: Shape

    public init(_ name: String, _ summary: String, _ shape: Shape) {
        self.name = name
        self.summary = summary
        self.shape = shape
    }
}
