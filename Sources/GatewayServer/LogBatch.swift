import NIOCore
import NIOPosix

/// The log lines written on one event loop during one pass of it, written to standard error
/// together when the pass is over.
///
/// A loaded gatewayd writes a line per request; one `write` each, from both loops into the same
/// file, cost about a tenth of its throughput (`gwbench dataplane`, gatewayd at `--log-level
/// warning` against `info`; BENCHMARKS.md, "Data plane"). A line joins the batch of the loop it
/// is written on; the first line of a batch schedules the batch's write as the loop's next task,
/// so a line waits at most for the work the loop already has queued, never for a timer. Lines
/// written off the loops (GRDB's queues, the main thread) go out at once.
///
/// `@unchecked Sendable` only so that a thread-specific variable may hold it: each batch is
/// created, appended to and written on its own loop's thread, and reached from nowhere else.
final class LogBatch: @unchecked Sendable {
    /// Written early rather than held past this size.
    private static let limit = 64 << 10

    private var bytes: [UInt8] = []
    private var scheduled = false

    private static let perThread = ThreadSpecificVariable<LogBatch>()

    /// Adds `line` to the current event loop's batch; false when not on an event loop.
    static func append(_ line: [UInt8]) -> Bool {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return false }
        let batch: LogBatch
        if let existing = perThread.currentValue {
            batch = existing
        } else {
            batch = LogBatch()
            perThread.currentValue = batch
        }
        batch.bytes.append(contentsOf: line)
        if batch.bytes.count >= limit {
            batch.flush()
        } else if !batch.scheduled {
            batch.scheduled = true
            let bound = NIOLoopBound(batch, eventLoop: loop)
            loop.execute { bound.value.flush() }
        }
        return true
    }

    private func flush() {
        scheduled = false
        guard !bytes.isEmpty else { return }
        JSONLogHandler.writeAll(bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}
