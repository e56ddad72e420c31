/// A JSON value as the client or provider wrote it: the gateway edits bodies rather than
/// rebuilding them, so members keep their order, numbers keep their text (a `seed` of
/// 12345678901234567 or a `1e3` reaches the provider exactly as sent) and fields gatewayd does
/// not know pass through untouched.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    /// The member `key` of an object; nil for a missing member or a value that is not an object.
    /// Setting nil removes the member; setting on a non-object does nothing.
    public subscript(key: String) -> JSON? {
        get {
            if case .object(let object) = self { return object[key] }
            return nil
        }
        set {
            if case .object(var object) = self {
                self = .null  // Drops the second reference so the edit below does not copy the members.
                object[key] = newValue
                self = .object(object)
            }
        }
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as an integer, when it is a number written without a fraction or exponent that fits.
    public var int: Int? {
        if case .number(let value) = self { return value.int }
        return nil
    }

    /// The value as a double, when it is a number.
    public var double: Double? {
        if case .number(let value) = self { return value.double }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var array: [JSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var object: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// An integer number.
    public static func int(_ value: Int) -> JSON { .number(JSONNumber(value)) }

    /// A number from a double, written as Swift writes it (integral values without a fraction).
    public static func double(_ value: Double) -> JSON { .number(JSONNumber(value)) }
}

extension JSON: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSON: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension JSON: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSON: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
}

extension JSON: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var object = JSONObject()
        for (key, value) in elements { object.appendUnique(key, value) }
        self = .object(object)
    }
}

extension JSON: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}
