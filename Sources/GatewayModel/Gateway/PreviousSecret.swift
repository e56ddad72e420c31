/// A secret of an API key that a rotation replaced. It keeps authenticating as the key until
/// `retiresAt` (the rotation's overlap), and is then answered with `key_rotated`, so a caller
/// still holding it learns that the key was rotated rather than that it never existed.
public struct PreviousSecret: Sendable, Hashable, Codable {
    /// The first characters of the replaced secret, as the key's `prefix` was.
    public var prefix: String
    public var rotatedAt: Timestamp
    /// When the secret stops working; equal to `rotatedAt` for a rotation without overlap.
    public var retiresAt: Timestamp

    public init(prefix: String, rotatedAt: Timestamp, retiresAt: Timestamp) {
        self.prefix = prefix
        self.rotatedAt = rotatedAt
        self.retiresAt = retiresAt
    }

    /// Whether the secret still authenticates at `now`.
    public func isLive(at now: Timestamp) -> Bool { now < retiresAt }
}
