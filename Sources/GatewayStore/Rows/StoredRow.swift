/// One stored resource row as every backend reads it: the canonical JSON settings plus the
/// bookkeeping and read-only columns. Backends convert their native rows to this, so decoding,
/// the state JSON and changeset preparation are written once.
package struct StoredRow: Sendable {
    package var spec: String
    package var managedBy: String
    package var revision: Int64
    package var createdAt: String
    package var updatedAt: String
    package var secretSalt: String?
    package var secretSHA256: String?
    package var keyHash: String?
    package var prefix: String?
    package var lastUsedAt: String?
    /// An API key's `previous_secrets` column (`PreviousSecretsColumn`).
    package var previousSecrets: String?

    package init(
        spec: String, managedBy: String, revision: Int64, createdAt: String, updatedAt: String,
        secretSalt: String? = nil, secretSHA256: String? = nil, keyHash: String? = nil, prefix: String? = nil,
        lastUsedAt: String? = nil, previousSecrets: String? = nil
    ) {
        self.spec = spec
        self.managedBy = managedBy
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.secretSalt = secretSalt
        self.secretSHA256 = secretSHA256
        self.keyHash = keyHash
        self.prefix = prefix
        self.lastUsedAt = lastUsedAt
        self.previousSecrets = previousSecrets
    }
}
