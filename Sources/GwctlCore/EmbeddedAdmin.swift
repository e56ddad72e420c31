import GatewayCore
import GatewayModel
import GatewayStore

/// The embedded default: gwctl talks to a store in its own process (state in `.gateway/state.db`)
/// with the same store code gatewayd serves, so plans behave the same against either.
public struct EmbeddedAdmin: GatewayAdmin {
    public let store: any GatewayStore
    public let targetDescription: String
    /// Recorded as the actor in the audit log.
    public let actor: String

    public init(store: any GatewayStore, targetDescription: String, actor: String = "embedded") {
        self.store = store
        self.targetDescription = targetDescription
        self.actor = actor
    }

    public func state() async throws -> GatewayState {
        try await store.state()
    }

    public func apply(_ changeset: Changeset) async throws -> ChangesetResult {
        try await store.apply(changeset, actor: actor)
    }

    /// Explains against the state file. Rate limits live in a running gatewayd's memory, so an
    /// embedded explanation always finds them unspent.
    public func explain(_ request: ExplainRequest) async throws -> Explanation {
        let snapshot = GatewaySnapshot(state: try await store.state(), keyHashes: [])
        return try await AdmissionPipeline(snapshot: snapshot, ledger: store, limiter: RateLimiter()).explain(request)
    }

    public func usage(since: Timestamp?, team: String?) async throws -> [UsageRecord] {
        try await store.usage(since: since ?? Timestamp(seconds: Timestamp.now.seconds - 7 * 86_400), team: team)
    }

    public func traffic(since: Timestamp) async throws -> [TrafficGroup] {
        try await store.traffic(since: since)
    }
}
