/// A JSON object's members in the order they were written. Bodies are small (tens of members),
/// so a lookup scans; writing a body back keeps the client's order, which a dictionary would not.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var keys: [String]
    public private(set) var values: [JSON]

    public init() {
        keys = []
        values = []
    }

    /// Members in order; a repeated key keeps its last value at its first position.
    public init(_ members: [(String, JSON)]) {
        self.init()
        keys.reserveCapacity(members.count)
        values.reserveCapacity(members.count)
        for (key, value) in members { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, JSON)...) {
        self.init(elements)
    }

    /// Appends without looking for the key: for the parser, which has already refused duplicates.
    mutating func appendUnique(_ key: String, _ value: JSON) {
        keys.append(key)
        values.append(value)
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The value of `key`. Setting replaces it in place, appends a new key, or removes it for nil.
    public subscript(key: String) -> JSON? {
        get {
            guard let index = keys.firstIndex(of: key) else { return nil }
            return values[index]
        }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public func contains(_ key: String) -> Bool { keys.contains(key) }

    public func makeIterator() -> Zip2Sequence<[String], [JSON]>.Iterator {
        zip(keys, values).makeIterator()
    }
}
