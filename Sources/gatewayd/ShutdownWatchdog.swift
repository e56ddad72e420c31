import Foundation
import Logging
import ServiceLifecycle

/// Ends the process when a graceful shutdown outlasts its limit, whatever is still waiting.
///
/// The service group cancels what has not stopped after most of the drain time, but a task
/// waiting on something that ignores cancellation (the connection pool of a database that is not
/// there) can still hold the process; a rolling restart during an outage needs it gone. The
/// timer runs on a dispatch queue, outside the tasks it guards against. (The group's own
/// cancellation limit would end the process with a crash report instead.)
struct ShutdownWatchdog: Service {
    let limit: Duration

    func run() async throws {
        try? await gracefulShutdown()
        let (seconds, attoseconds) = limit.components
        let deadline = Double(seconds) + Double(attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline) {
            let logger = Logger(label: "gatewayd")
            logger.critical(
                "shutdown outlasted the drain time; exiting now",
                metadata: ["drainTimeoutSeconds": .stringConvertible(deadline)])
            exit(1)
        }
    }
}
