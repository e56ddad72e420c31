/// A glob over canonical model ids: `*` matches any run of characters (slashes included), `?` one character.
public struct ModelGlob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let bytes: [UInt8]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.bytes = Array(pattern.utf8)
    }

    public var description: String { pattern }

    /// Whether the glob holds no wildcard, so it names exactly one model.
    public var isLiteral: Bool { !bytes.contains(42) && !bytes.contains(63) }

    /// Whether `id` matches, in linear time (greedy with one backtrack point, no recursion).
    public func matches(_ id: String) -> Bool {
        let text = Array(id.utf8)
        var p = 0
        var t = 0
        var star = -1
        var resume = 0
        while t < text.count {
            if p < bytes.count, bytes[p] == 63 || bytes[p] == text[t] {
                p += 1
                t += 1
            } else if p < bytes.count, bytes[p] == 42 {
                star = p
                resume = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < bytes.count, bytes[p] == 42 { p += 1 }
        return p == bytes.count
    }
}
