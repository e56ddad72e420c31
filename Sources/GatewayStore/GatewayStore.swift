import Foundation
import GatewayModel

/// The gateway's state: what manifests describe, plus credits, usage and the audit log.
///
/// Every mutation of described resources happens through `apply(_:actor:)`, one transaction per
/// changeset, and bumps the state revision once; each resource written carries that revision.
public protocol GatewayStore: SpendLedger, SecretVault {
    /// The current state revision.
    func revision() async throws -> Int64
    /// The whole described state at one revision (one read transaction).
    func state() async throws -> GatewayState
    /// `state()` as the JSON of `GatewayState`; stores may write it faster than an encoder would.
    func stateJSON() async throws -> [UInt8]
    /// One resource, or nil when it does not exist.
    func resource(_ ref: ResourceRef) async throws -> StoredResource?
    /// Applies every operation or none. Throws `GatewayAdminError.conflict` when a precondition
    /// fails and `GatewayAdminError.invalidChangeset` when an operation is malformed or the result
    /// would be inconsistent (a key of a missing team, a credential for a missing provider, …).
    ///
    /// With an `idempotencyKey` (see `ChangesetReplay`), a changeset already applied under that key
    /// is not applied again: the first application's result is returned. The key of another
    /// changeset throws `StoreError.idempotencyKeyReused`.
    func apply(_ changeset: Changeset, actor: String, idempotencyKey: String?) async throws -> ChangesetResult
    /// Adds credits to a team (negative amounts correct a grant). Throws `StoreError.notFound`.
    func grantCredits(team: String, _ grant: CreditGrant, actor: String) async throws -> CreditBalance
    /// A team's balance; nil when the team does not exist.
    func credits(team: String) async throws -> CreditBalance?
    /// Audit entries with id greater than `after`, oldest first, at most `limit`.
    func auditLog(after: Int64, limit: Int) async throws -> [AuditEntry]
    /// Records served requests in one transaction; for system-credential spend, debits the teams'
    /// credits by the cost in the same transaction. Usage does not bump the state revision (it is
    /// not configuration).
    func recordUsage(_ records: [UsageRecord]) async throws
    /// Usage at or after `since`, oldest first, optionally for one team.
    func usage(since: Timestamp, team: String?) async throws -> [UsageRecord]
    /// Usage at or after `since` grouped for a replay, grouped where the rows are (a million
    /// records are never decoded one by one).
    func traffic(since: Timestamp) async throws -> [TrafficGroup]
    /// The hash and identity of every API key: the data plane's authentication index.
    func apiKeyHashes() async throws -> [APIKeyHash]
    /// Moves keys' `lastUsedAt` forward (never back). Not configuration: no revision, no audit entry.
    func recordKeyUse(_ uses: [KeyUse]) async throws
    /// Whether `error`, thrown by this store, says the store cannot be reached (a server that went
    /// away, a dropped connection) rather than that the operation itself failed: such a write is
    /// worth holding and trying again, and such an admin request is answered 503.
    func isUnavailable(_ error: any Error) -> Bool
    /// Whether the store is reached over a network (and so can go away while gatewayd runs).
    var mayBeUnreachable: Bool { get }
}

extension GatewayStore {
    /// A store on this machine's disk is never unreachable; its failures are the operation's.
    public func isUnavailable(_ error: any Error) -> Bool { false }

    /// A store on this machine's disk.
    public var mayBeUnreachable: Bool { false }
}

/// A key authenticated a request at `at`.
public struct KeyUse: Sendable, Hashable {
    public var team: String
    public var name: String
    public var at: Timestamp

    public init(team: String, name: String, at: Timestamp) {
        self.team = team
        self.name = name
        self.at = at
    }
}

/// Store failures that are not changeset problems.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound(ResourceRef)
    case invalid(String)
    /// An idempotency key came back with a different changeset than the one it first applied.
    case idempotencyKeyReused(String)

    public var description: String {
        switch self {
        case .notFound(let ref): return "\(ref) does not exist"
        case .invalid(let message): return message
        case .idempotencyKeyReused(let key):
            return "Idempotency-Key '\(key)' was used for a different changeset"
        }
    }
}

extension GatewayStore {
    /// Applies a changeset without an idempotency key.
    public func apply(_ changeset: Changeset, actor: String) async throws -> ChangesetResult {
        try await apply(changeset, actor: actor, idempotencyKey: nil)
    }

    public func stateJSON() async throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(try await state()))
    }
}

/// A store that announces changes as they commit (PostgreSQL's LISTEN/NOTIFY), so instances that
/// share it reload at once instead of waiting for their next poll.
public protocol StateChangeFeed: Sendable {
    /// Calls `onChange` after each committed change (and once when watching starts, for what
    /// happened before), until cancelled.
    func watchChanges(_ onChange: @escaping @Sendable () async -> Void) async
}

extension GatewayStore {
    /// Records one served request (see `recordUsage(_:)` for a batch).
    public func recordUsage(_ usage: UsageRecord) async throws {
        try await recordUsage([usage])
    }
}
