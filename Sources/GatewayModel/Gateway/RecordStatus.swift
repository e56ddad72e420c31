/// Bookkeeping the gateway keeps for every stored resource; read-only for clients.
public struct RecordStatus: Sendable, Hashable, Codable {
    /// The state revision of the change that last wrote the resource (its ETag).
    public var revision: Int64
    /// Who owns the resource: `gwctl` for resources gwctl may prune, `api` for hand-made ones.
    public var managedBy: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(revision: Int64, managedBy: String, createdAt: Timestamp, updatedAt: Timestamp) {
        self.revision = revision
        self.managedBy = managedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A salted fingerprint of a secret the gateway holds: `sha256` is the lowercase hex SHA-256 of
/// the salt's bytes followed by the secret's UTF-8 bytes. A client holding the secret can tell
/// whether it changed; the fingerprint reveals nothing useful about a high-entropy secret.
public struct SecretFingerprint: Sendable, Hashable, Codable {
    /// 16 random bytes, lowercase hex; new for every secret written.
    public var salt: String
    public var sha256: String

    public init(salt: String, sha256: String) {
        self.salt = salt
        self.sha256 = sha256
    }
}

/// Who made a resource when the client does not say.
public enum ManagedBy {
    public static let gwctl = "gwctl"
    public static let api = "api"
}
