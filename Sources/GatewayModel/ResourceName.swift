/// The syntax of resource names: a DNS label, `^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`.
public enum ResourceName {
    public static let pattern = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"

    /// Whether `bytes` is a valid name; hand-written because it runs on every name of large states.
    public static func isValid<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first, bytes.count <= 63 else { return false }
        var last = first
        for byte in bytes {
            guard (97...122).contains(byte) || (48...57).contains(byte) || byte == 45 else { return false }
            last = byte
        }
        return first != 45 && last != 45
    }

    public static func isValid(_ name: String) -> Bool { isValid(Substring(name).utf8) }
}
