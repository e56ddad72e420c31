import Foundation

/// Where a gateway's files live. By default everything sits beside the state database, so
/// `gwctl` (embedded) and `gatewayd serve` find the same master key for the same state. With a
/// PostgreSQL state they default to `.gateway/`; instances sharing one state need the same key.
public struct StateFiles: Sendable {
    /// The default state, relative to the working directory: the embedded default of gwctl.
    public static let defaultStatePath = ".gateway/state.db"
    /// Holds the master key in the environment form `<key-id>:<base64>`.
    public static let masterKeyEnvironment = "GATEWAYD_MASTER_KEY"

    public var statePath: String
    public var masterKeyPath: String
    public var tokensPath: String

    /// True when `state` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgresURL(_ state: String) -> Bool {
        state.hasPrefix("postgres://") || state.hasPrefix("postgresql://")
    }

    public init(statePath: String, masterKeyPath: String? = nil, tokensPath: String? = nil) {
        self.statePath = statePath
        // A database server's state has no directory of its own: its files default to .gateway/.
        let directory =
            Self.isPostgresURL(statePath)
            ? ".gateway" : URL(fileURLWithPath: statePath).deletingLastPathComponent().path
        self.masterKeyPath = masterKeyPath ?? directory + "/master.key"
        self.tokensPath = tokensPath ?? directory + "/admin-tokens"
    }

    /// The master keyring: from the environment, else the key file. With `create`, a missing key
    /// file is created (mode 0600) holding a new random key; without it, a missing key is an error,
    /// never a silent default.
    public func keyring(environment: [String: String], create: Bool) throws -> (MasterKeyring, created: Bool) {
        if let value = environment[Self.masterKeyEnvironment], !value.isEmpty {
            return (try MasterKeyring.parse(value, source: Self.masterKeyEnvironment), false)
        }
        if FileManager.default.fileExists(atPath: masterKeyPath) {
            return (try MasterKeyring.load(file: masterKeyPath), false)
        }
        guard create else { throw MasterKeyError.missing(file: masterKeyPath) }
        let keyring = MasterKeyring.generate()
        try keyring.write(to: masterKeyPath)
        return (keyring, true)
    }

    /// Opens the SQLite store with the keyring.
    public func openStore(environment: [String: String], create: Bool) throws -> SQLiteGatewayStore {
        let (keyring, _) = try keyring(environment: environment, create: create)
        return try SQLiteGatewayStore(path: statePath, keyring: keyring)
    }
}
