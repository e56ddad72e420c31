import GatewayModel
import GatewayStore
import Synchronization

/// A store that can be switched off: while `down`, every call throws ``Outage``, as a PostgreSQL
/// server that went away or a state file on a failed disk would. Otherwise it forwards to `inner`.
final class UnreachableStore: GatewayStore {
    /// The error a down store throws. Its description stands for what a real store's error would
    /// carry (a statement, a host name), which must reach gatewayd's log and no client.
    struct Outage: Error, CustomStringConvertible {
        var description: String { "connection to state-db.internal:5432 refused while executing SELECT revision" }
    }

    let inner: any GatewayStore
    private let isDown = Atomic(false)

    init(_ inner: any GatewayStore) { self.inner = inner }

    var down: Bool {
        get { isDown.load(ordering: .relaxed) }
        set { isDown.store(newValue, ordering: .relaxed) }
    }

    private func available() throws {
        if down { throw Outage() }
    }

    func revision() async throws -> Int64 {
        try available()
        return try await inner.revision()
    }
    func state() async throws -> GatewayState {
        try available()
        return try await inner.state()
    }
    func stateJSON() async throws -> [UInt8] {
        try available()
        return try await inner.stateJSON()
    }
    func resource(_ ref: ResourceRef) async throws -> StoredResource? {
        try available()
        return try await inner.resource(ref)
    }
    func apply(_ changeset: Changeset, actor: String, idempotencyKey: String?) async throws -> ChangesetResult {
        try available()
        return try await inner.apply(changeset, actor: actor, idempotencyKey: idempotencyKey)
    }
    func grantCredits(team: String, _ grant: CreditGrant, actor: String) async throws -> CreditBalance {
        try available()
        return try await inner.grantCredits(team: team, grant, actor: actor)
    }
    func credits(team: String) async throws -> CreditBalance? {
        try available()
        return try await inner.credits(team: team)
    }
    func auditLog(after: Int64, limit: Int) async throws -> [AuditEntry] {
        try available()
        return try await inner.auditLog(after: after, limit: limit)
    }
    func recordUsage(_ records: [UsageRecord]) async throws {
        try available()
        try await inner.recordUsage(records)
    }
    func usage(since: Timestamp, team: String?) async throws -> [UsageRecord] {
        try available()
        return try await inner.usage(since: since, team: team)
    }

    func traffic(since: Timestamp) async throws -> [TrafficGroup] {
        try available()
        return try await inner.traffic(since: since)
    }
    func apiKeyHashes() async throws -> [APIKeyHash] {
        try available()
        return try await inner.apiKeyHashes()
    }
    func recordKeyUse(_ uses: [KeyUse]) async throws {
        try available()
        try await inner.recordKeyUse(uses)
    }
    func balance(team: String) async throws -> Int64 {
        try available()
        return try await inner.balance(team: team)
    }
    func spend(team: String, key: String?, since: Timestamp) async throws -> Int64 {
        try available()
        return try await inner.spend(team: team, key: key, since: since)
    }
    func secret(of ref: ResourceRef) async throws -> String? {
        try available()
        return try await inner.secret(of: ref)
    }
}
