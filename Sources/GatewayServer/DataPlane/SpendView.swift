import GatewayModel
import Logging
import Synchronization

/// The credit balances and budget spend the data plane admits against, held in memory.
///
/// Reading them from the store on every request put a database read (and a thread hop to
/// GRDB's queue) on every paid request. Each figure is now read at most once per `freshness`
/// and moved locally by every request this gatewayd serves (`charge`), so a budget is refused
/// by the request after the one that exhausted it, as before. Changes made elsewhere (a grant
/// through another instance or an embedded `gwctl`) are seen within `freshness`; a grant
/// through this instance's admin API is seen at once (`forget`).
final class SpendView: SpendLedger, Sendable {
    /// Whose spend a budget figure counts: a team's (`key` nil) or one of its keys'.
    private struct Scope: Hashable {
        var team: String
        var key: String?
    }

    private struct Figure {
        var value: Int64
        var readAt: ContinuousClock.Instant
        /// A request is reading it again: the others use this value meanwhile rather than all
        /// reading at once each time it goes stale.
        var refreshing = false
    }

    private struct Figures {
        var balances: [String: Figure] = [:]
        /// Spend by scope, then by the period start (seconds) it is counted from.
        var spend: [Scope: [Int64: Figure]] = [:]

        /// Keeps memory bounded by the figures in use: past `capacity` teams and scopes (a scope
        /// holds one figure per budget period, four at most), every stale figure goes.
        mutating func prune(ifAbove capacity: Int, now: ContinuousClock.Instant, freshness: Duration) {
            guard balances.count + spend.count >= capacity else { return }
            balances = balances.filter { now - $0.value.readAt < freshness }
            spend = spend.compactMapValues { periods in
                let fresh = periods.filter { now - $0.value.readAt < freshness }
                return fresh.isEmpty ? nil : fresh
            }
        }
    }

    private let store: any SpendLedger
    private let usage: UsageWriter
    private let health: StateHealth
    private let freshness: Duration
    private let figures = Mutex(Figures())
    /// Above this many teams and scopes held, stale figures are dropped when the next is read.
    private let capacity: Int

    init(
        store: any SpendLedger, usage: UsageWriter,
        health: StateHealth = StateHealth(staleLimit: .seconds(600), logger: Logger(label: "gatewayd")),
        freshness: Duration = .seconds(1),
        capacity: Int = 100_000
    ) {
        self.store = store
        self.usage = usage
        self.health = health
        self.freshness = freshness
        self.capacity = capacity
    }

    /// The credit balances held now, by team: the teams this instance has admitted paid requests
    /// for (what the metrics show, without a store read per team).
    func heldBalances() -> [String: Int64] {
        figures.withLock { $0.balances.mapValues(\.value) }
    }

    func balance(team: String) async throws -> Int64 {
        try await figure(
            get: { $0.balances[team] }, set: { $0.balances[team] = $1 },
            read: { [store] in try await store.balance(team: team) })
    }

    func spend(team: String, key: String?, since: Timestamp) async throws -> Int64 {
        let scope = Scope(team: team, key: key)
        return try await figure(
            get: { $0.spend[scope]?[since.seconds] }, set: { $0.spend[scope, default: [:]][since.seconds] = $1 },
            read: { [store] in try await store.spend(team: team, key: key, since: since) })
    }

    /// A figure: the held one while fresh (or while another request reads it again), else read
    /// from the store after writing what this instance served and has not written yet.
    ///
    /// While the store is down a held figure is used however old (moved by every request this
    /// instance serves), so credits and budgets can overshoot by what other instances serve
    /// meanwhile (docs/data-plane.md, "When the state store is down"); a figure never read
    /// cannot be known, and the request is refused `503 state_unavailable`.
    private func figure(
        get: @escaping @Sendable (inout Figures) -> Figure?, set: @escaping @Sendable (inout Figures, Figure?) -> Void,
        read: @escaping @Sendable () async throws -> Int64
    ) async throws -> Int64 {
        let now = ContinuousClock.now
        let down = health.isDown
        let held: Int64? = figures.withLock { figures in
            guard var figure = get(&figures) else { return nil }
            if now - figure.readAt < freshness || figure.refreshing || down { return figure.value }
            figure.refreshing = true
            set(&figures, figure)
            return nil
        }
        if let held { return held }
        let value: Int64
        do {
            value = try await health.bounded { [usage] in
                await usage.flush()
                return try await read()
            }
        } catch {
            let stale: Int64? = figures.withLock { figures in
                guard var figure = get(&figures) else { return nil }
                figure.refreshing = false
                set(&figures, figure)
                return figure.value
            }
            // A read that outlasted its limit says the store is gone; another error may be this read's own.
            if error is Deadline.Passed { health.failed(error) }
            if let stale { return stale }
            throw error
        }
        figures.withLock { figures in
            figures.prune(ifAbove: capacity, now: now, freshness: freshness)
            set(&figures, Figure(value: value, readAt: now))
        }
        return value
    }

    /// Moves the figures a served request changes: system-credential spend debits the team's
    /// balance and counts against the team's and the key's budgets (BYOK spend touches neither).
    func charge(_ record: UsageRecord) {
        guard record.credentialKind == .system, record.costMicroUSD != 0 else { return }
        let cost = record.costMicroUSD
        let at = record.at.seconds
        figures.withLock { figures in
            figures.balances[record.team]?.value -= cost
            for scope in [Scope(team: record.team, key: nil), Scope(team: record.team, key: record.key)] {
                guard let periods = figures.spend[scope] else { continue }
                for since in periods.keys where since <= at { figures.spend[scope]?[since]?.value += cost }
            }
        }
    }

    /// Drops a team's figures, so the next request reads them again (after a grant).
    func forget(team: String) {
        figures.withLock { figures in
            figures.balances[team] = nil
            figures.spend = figures.spend.filter { $0.key.team != team }
        }
    }
}
