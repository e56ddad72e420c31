import Crypto
import Foundation
import GatewayCrypto
import GatewayModel

/// Idempotency keys for changesets: a client that did not hear the answer to a changeset (a reset,
/// a timeout, a proxy's 502) sends it again with the same key, and the gateway answers with what
/// the first application returned instead of applying it twice. Without this, a retried create
/// would fail as a conflict and a retried rotate would mint a second secret, losing the first.
///
/// The answer is kept for `retention` seconds, sealed under the master key (it holds any minted
/// key secrets), in the same transaction as the changeset, so it exists exactly when the changeset
/// committed.
public enum ChangesetReplay {
    /// How long an answer can be replayed.
    public static let retention: Int64 = 86_400

    /// A changeset sent under an idempotency key: the key (validated) and the changeset's digest.
    public struct Request: Sendable {
        public let key: String
        public let digest: String

        /// Throws `StoreError.invalid` unless the key is 1 to 255 visible ASCII characters (a UUID, typically).
        public init(key: String, changeset: Changeset) throws {
            guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw StoreError.invalid("Idempotency-Key must be 1 to 255 visible ASCII characters")
            }
            self.key = key
            digest = ChangesetReplay.digest(changeset)
        }

        /// The result sealed for storage, bound to its key so a row copied under another key does not open.
        public func seal(_ result: ChangesetResult, secrets: SecretBox) throws -> SealedSecret {
            let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
            return try secrets.seal(json, boundTo: context)
        }

        /// The stored result of the key's first application, after checking it was this changeset.
        public func open(_ sealed: SealedSecret, storedDigest: String, secrets: SecretBox) throws -> ChangesetResult {
            guard Constant.timeEquals(Array(storedDigest.utf8), Array(digest.utf8)) else {
                throw StoreError.idempotencyKeyReused(key)
            }
            let json = try secrets.open(sealed, boundTo: context)
            return try JSONDecoder().decode(ChangesetResult.self, from: Data(json.utf8))
        }

        private var context: String { "changeset-replay/\(key)" }
    }

    /// What identifies a changeset for reuse detection: each operation's kind, target and
    /// precondition. Settings and secrets are left out, so no secret is hashed into the database;
    /// a client reusing a key for another changeset changes at least one of these.
    static func digest(_ changeset: Changeset) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("managedBy=\(changeset.managedBy ?? "")\n".utf8))
        for operation in changeset.operations {
            let line = "\(operation.op.rawValue) \(operation.target) \(operation.ifRevision.map(String.init) ?? "-")\n"
            hasher.update(data: Data(line.utf8))
        }
        return Hex.encode(Array(hasher.finalize()))
    }

    /// Answers older than this (RFC 3339 text, comparable as strings) may be dropped.
    public static func expiry(now: Timestamp) -> String {
        Timestamp(seconds: now.seconds - retention).description
    }
}
