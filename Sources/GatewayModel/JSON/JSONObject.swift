/// A JSON object's members in the order they were written. Bodies are small (tens of members),
/// so a lookup scans; writing a body back keeps the client's order, which a dictionary would not.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One member. The members live in one array, so building an object is one allocation.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSON
    }

    public private(set) var members: [Member]

    public init() {
        members = []
    }

    /// Members in order; a repeated key keeps its last value at its first position.
    public init(_ members: [(String, JSON)]) {
        self.init()
        self.members.reserveCapacity(members.count)
        for (key, value) in members { self[key] = value }
    }

    /// A literal's keys are distinct (as a dictionary literal's must be), so they are appended
    /// without a search: the writers build every answer from literals.
    public init(dictionaryLiteral elements: (String, JSON)...) {
        members = elements.map { Member(key: $0.0, value: $0.1) }
    }

    /// Appends without looking for the key: for the parser, which has already refused duplicates.
    mutating func appendUnique(_ key: String, _ value: JSON) {
        members.append(Member(key: key, value: value))
    }

    /// Room for `count` members without growing.
    public mutating func reserveCapacity(_ count: Int) { members.reserveCapacity(count) }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    /// The keys in order.
    public var keys: [String] { members.map(\.key) }

    /// The value of `key`. Setting replaces it in place, appends a new key, or removes it for nil.
    public subscript(key: String) -> JSON? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    members[index].value = newValue
                } else {
                    members.remove(at: index)
                }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    public func contains(_ key: String) -> Bool { members.contains { $0.key == key } }

    public func makeIterator() -> LazyMapSequence<[Member], (key: String, value: JSON)>.Iterator {
        members.lazy.map { (key: $0.key, value: $0.value) }.makeIterator()
    }
}
