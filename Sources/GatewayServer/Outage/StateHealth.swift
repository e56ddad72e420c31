import Logging
import Synchronization

/// Whether gatewayd can read its state store now, and since when it cannot.
///
/// When the store goes away (a PostgreSQL restart, a failover, a dropped proxy connection) the
/// state cannot change either, so refusing traffic protects nothing: the data plane keeps serving
/// from the last state it read, for at most `staleLimit` after that read (docs/data-plane.md,
/// "When the state store is down"), while admin writes are refused `503 state_unavailable`.
final class StateHealth: Sendable {
    private struct State {
        var lastRead: ContinuousClock.Instant?
        var downSince: ContinuousClock.Instant?
    }

    /// How long after its last successful read the held state may still be served.
    let staleLimit: Duration
    /// How long a read may take on a path that has something else to go on (the held state)
    /// before it is given up; nil for a store on this machine's disk, which is slow under load
    /// rather than gone, and is always waited for.
    let readLimit: Duration?
    private let state = Mutex(State())
    private let logger: Logger

    init(staleLimit: Duration, readLimit: Duration? = nil, logger: Logger) {
        self.staleLimit = staleLimit
        self.readLimit = readLimit
        self.logger = logger
    }

    /// Runs a read of the store, given up after `limit` (default ``readLimit``) when the store
    /// can be unreachable; a store that cannot is waited for.
    func bounded<Value: Sendable>(
        within limit: Duration? = nil, _ read: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        guard let readLimit else { return try await read() }
        return try await Deadline.run(within: limit ?? readLimit, read)
    }

    /// A read of the store succeeded.
    func succeeded() {
        let now = ContinuousClock.now
        let outage: Duration? = state.withLock { state in
            defer {
                state.lastRead = now
                state.downSince = nil
            }
            return state.downSince.map { now - $0 }
        }
        if let outage {
            logger.notice(
                "the state store answers again; serving fresh state",
                metadata: ["outageSeconds": .stringConvertible(Self.seconds(outage))])
        }
    }

    /// A read of the store failed: from now on the held state is served (within `staleLimit`).
    func failed(_ error: any Error) {
        let now = ContinuousClock.now
        let first: Bool = state.withLock { state in
            guard state.downSince == nil else { return false }
            state.downSince = now
            return true
        }
        if first {
            logger.error(
                "cannot read the state store; serving the last state read and holding usage until it is back",
                metadata: [
                    "reason": "\(error)", "staleLimitSeconds": .stringConvertible(Self.seconds(staleLimit)),
                ])
        }
    }

    /// Whether the last read of the store failed.
    var isDown: Bool { state.withLock { $0.downSince != nil } }

    /// How long ago the store was last read successfully; nil before the first read.
    var sinceLastRead: Duration? {
        state.withLock { $0.lastRead }.map { ContinuousClock.now - $0 }
    }

    /// Whether state read at the last successful read may still be served.
    var mayServeHeldState: Bool {
        state.withLock { state in
            guard let lastRead = state.lastRead else { return false }
            return ContinuousClock.now - lastRead < staleLimit
        }
    }

    /// Seconds, to the millisecond, as the data plane's log lines write durations.
    static func seconds(_ duration: Duration) -> Double { DataPlane.milliseconds(duration) / 1000 }
}
