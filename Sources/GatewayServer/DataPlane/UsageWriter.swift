import GatewayModel
import GatewayStore
import Logging
import ServiceLifecycle
import Synchronization

/// Usage accounting off the request path. A served request hands its usage record over and
/// answers at once; the records that queue meanwhile are written in one transaction (group
/// commit). One write per request capped gatewayd at ~1,400 requests/s on SQLite and added a
/// commit to every response.
///
/// Reads that must see every served request (credits, usage) call `flush()` first, which returns
/// once everything handed over before the call is written. A crash can lose the records of the
/// last moments (about 20 ms) that were not yet written; a graceful shutdown writes them all.
final class UsageWriter: Sendable {
    private let store: any GatewayStore
    private let logger: Logger
    private let pending = Mutex<[UsageRecord]>([])
    /// The batch a write is under way for (it may wait for a database that is not there).
    private let inFlight = Mutex<[UsageRecord]>([])
    private let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    private let order = WriteOrder()
    private let health: StateHealth?
    /// Whether records are held because the store could not be reached.
    private let held = Atomic(false)

    init(store: any GatewayStore, logger: Logger, health: StateHealth? = nil) {
        self.store = store
        self.logger = logger
        self.health = health
    }

    /// Queues a served request's usage; the recorder service writes it within moments.
    func note(_ record: UsageRecord) {
        pending.withLock { $0.append(record) }
        signal.yield()
    }

    /// Writes everything queued so far; returns when it, and every earlier batch, is written or,
    /// when the store cannot be reached, put back to be written when it can.
    func flush() async {
        let batch = pending.withLock { records in
            defer { records = [] }
            return records
        }
        await order.after { [self] in
            guard !batch.isEmpty else { return }
            inFlight.withLock { $0 = batch }
            defer { inFlight.withLock { $0 = [] } }
            do {
                // Bounded on a store that can go away: a write on a connection the server dropped
                // has been seen to wait for good. Written again, a batch is recorded once (the
                // store ignores request ids it has).
                try await bounded { [store] in try await store.recordUsage(batch) }
                if held.exchange(false, ordering: .relaxed) {
                    logger.notice("wrote the usage held while the state store was down")
                }
            } catch  where store.isUnavailable(error) {
                // Held, in order, ahead of what arrived meanwhile; served requests keep their
                // usage through a database restart (docs/data-plane.md, "When the state store is down").
                pending.withLock { $0.insert(contentsOf: batch, at: 0) }
                health?.failed(error)
                held.store(true, ordering: .relaxed)
                let signal = self.signal
                Task {
                    try? await Task.sleep(for: .seconds(1))
                    signal.yield()
                }
            } catch {
                // One bad record (a balance that would overflow) must not cost the others: one by one.
                for record in batch {
                    do {
                        try await store.recordUsage([record])
                    } catch {
                        logger.error(
                            "cannot record usage",
                            metadata: ["requestId": .string(record.requestID), "reason": "\(error)"])
                    }
                }
            }
        }
    }

    private func bounded(_ write: @escaping @Sendable () async throws -> Void) async throws {
        guard store.mayBeUnreachable else { return try await write() }
        try await Deadline.run(within: .seconds(10), write)
    }

    /// The usage not yet written: the batch being written, then what waits.
    var unwritten: [UsageRecord] { inFlight.withLock { $0 } + pending.withLock { $0 } }

    /// The recorder loop: one flush per wake-up, so records that arrive during a write go in the next batch.
    ///
    /// After a record arrives it waits `window` before writing, so that at a steady load a batch
    /// holds the requests of that window rather than one each: every commit is an fsync and a
    /// thread hop, and at 1,000 requests/s one commit per request added half a millisecond to
    /// every answer. Reads that flush first do not wait for the window.
    func run(window: Duration = .milliseconds(20), drain: Duration = .seconds(10)) async {
        await cancelWhenGracefulShutdown {
            for await _ in self.signals {
                try? await Task.sleep(for: window)
                // Cancellable: a write waiting for an unreachable database must not hold shutdown.
                _ = try? await Deadline.run(within: .seconds(3600)) { await self.flush() }
            }
        }
        // On shutdown: one last write, bounded, and whatever cannot be written is named in the log.
        _ = try? await Deadline.run(within: drain) { await self.flush() }
        let lost = unwritten
        guard !lost.isEmpty else { return }
        var byTeam: [String: (requests: Int, tokens: Int, costMicroUSD: Int64)] = [:]
        for record in lost {
            byTeam[record.team, default: (0, 0, 0)].requests += 1
            byTeam[record.team, default: (0, 0, 0)].tokens += record.inputTokens + record.outputTokens
            byTeam[record.team, default: (0, 0, 0)].costMicroUSD += record.costMicroUSD
        }
        logger.error(
            "stopping with usage the state store did not take; it is not recorded",
            metadata: [
                "records": .stringConvertible(lost.count),
                "teams": .string(
                    byTeam.sorted { $0.key < $1.key }.map {
                        "\($0.key): \($0.value.requests) requests, \($0.value.tokens) tokens, \($0.value.costMicroUSD) µUSD"
                    }.joined(separator: "; ")),
                "requestIds": .string(lost.map(\.requestID).joined(separator: ",")),
            ])
    }
}

/// Runs writes one after another in the order they were asked for, even across suspensions.
private actor WriteOrder {
    private var last: Task<Void, Never>?

    func after(_ write: @escaping @Sendable () async -> Void) async {
        let previous = last
        let task = Task {
            await previous?.value
            await write()
        }
        last = task
        await task.value
    }
}

/// Runs the usage writer for the server's lifetime.
struct UsageRecorder: Service {
    let writer: UsageWriter
    let drain: Duration

    func run() async throws { await writer.run(drain: drain) }
}
