import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// The store's connection pool, replaced by a fresh one once PostgreSQL answers again after an
/// outage.
///
/// PostgresNIO's pool backs off between failed connection attempts (100 ms × 1.25ⁿ, up to a
/// minute) and after a minute of failures opens a circuit breaker: a gatewayd whose database
/// was down 10 s waited up to 3 s more for its next attempt, and one down a minute far longer.
/// So after a failure that says the server could not be reached (``noteFailure()``), a probe
/// connects directly every 250 ms; when it gets in, the pool still failing is swapped for a
/// new one, whose first lease connects at once. The old pool is left to finish what waits in
/// it (a usage write) for a minute before it is shut down: shutting it down at once left such
/// leases waiting for good.
final class PoolRenewal: Sendable {
    private struct State {
        var client: PostgresClient
        var running: Task<Void, Never>?
        /// Pools replaced in the last minute, still finishing their leases.
        var retiring: [Task<Void, Never>] = []
        var failing = false
        var stopped = false
    }

    private let location: PostgresLocation
    private let logger: Logger
    private let state: Mutex<State>
    private let (failures, failure) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    init(location: PostgresLocation, logger: Logger) {
        self.location = location
        self.logger = logger
        state = Mutex(
            State(client: PostgresClient(configuration: location.clientConfiguration, backgroundLogger: logger)))
    }

    /// The pool to lease from now.
    var current: PostgresClient { state.withLock { $0.client } }

    /// A query failed because the server could not be reached: start probing for its return.
    func noteFailure() {
        let first = state.withLock { state in
            defer { state.failing = true }
            return !state.failing
        }
        if first { failure.yield() }
    }

    /// A query succeeded through the pool: nothing to renew.
    func noteSuccess() {
        state.withLock { $0.failing = false }
    }

    /// Runs the current pool, and each that replaces it, until cancelled.
    func run() async {
        start(current)
        await withTaskCancellationHandler {
            for await _ in failures {
                await probeUntilBack()
            }
        } onCancel: {
            failure.finish()
        }
        let (running, retiring) = state.withLock { state in
            state.stopped = true
            return (state.running, state.retiring)
        }
        // Replaced pools are not waited for: what waits in them may never end.
        for pool in retiring { pool.cancel() }
        running?.cancel()
        await running?.value
    }

    private func start(_ client: PostgresClient) {
        let task = Task { await client.run() }
        state.withLock { $0.running = task }
    }

    /// Renews the pool only when the server was really gone (a probe failed): after a dropped
    /// connection the pool reconnects by itself at once, and a renewal then cost usage writes
    /// that waited in the replaced pool.
    private func probeUntilBack() async {
        var wasDown = false
        while !Task.isCancelled, state.withLock({ $0.failing && !$0.stopped }) {
            if await serverAnswers() {
                if wasDown, state.withLock({ $0.failing }) { renew() }
                state.withLock { $0.failing = false }
                return
            }
            wasDown = true
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    private func serverAnswers() async -> Bool {
        guard let configuration = try? location.connectionConfiguration else { return false }
        do {
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: 0, logger: Logger(label: "gatewayd-probe"))
            defer { Task { try? await connection.close() } }
            _ = try await connection.query("SELECT 1", logger: logger)
            return true
        } catch {
            return false
        }
    }

    private func renew() {
        let fresh = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: logger)
        let previous = state.withLock { state in
            defer {
                state.client = fresh
                state.failing = false
            }
            return state.running
        }
        start(fresh)
        if let previous {
            state.withLock { $0.retiring.append(previous) }
            Task { [weak self] in
                try? await Task.sleep(for: .seconds(60))
                previous.cancel()
                await previous.value
                self?.state.withLock { state in state.retiring.removeAll { $0 == previous } }
            }
        }
        logger.notice("PostgreSQL answers again; reconnected with a fresh connection pool")
    }
}
