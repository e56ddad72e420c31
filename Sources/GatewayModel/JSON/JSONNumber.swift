/// A JSON number as its text: integers of any size, exponents and `-0.0` are written out exactly
/// as they were read, and read as `Int` or `Double` only where the gateway needs the value.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number's text in JSON's grammar.
    public let text: String

    /// Wraps text already checked against JSON's number grammar (the parser's).
    init(validated text: String) {
        self.text = text
    }

    public init(_ value: Int) {
        text = String(value)
    }

    /// A double as JSON text; integral values print without a fraction, as counts should.
    /// Not-a-number and infinities have no JSON form and are written as `0`.
    public init(_ value: Double) {
        if !value.isFinite {
            text = "0"
        } else if value.rounded() == value, abs(value) < 1e15 {
            text = String(Int64(value))
        } else {
            text = "\(value)"
        }
    }

    /// The value, when the text is an integer (no fraction or exponent) that fits in `Int`.
    public var int: Int? { Int(text) }

    /// The value as a double (the nearest one, for text with more digits than a double holds).
    public var double: Double? { Double(text) }

    public var description: String { text }
}
