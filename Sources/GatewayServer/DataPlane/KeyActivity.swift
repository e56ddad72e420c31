import GatewayCore
import GatewayModel
import GatewayStore
import Logging
import ServiceLifecycle
import Synchronization

/// The keys that authenticated requests since the last write: the data plane notes each use in
/// memory and `KeyActivityRecorder` writes them in batches, so no request waits on a database
/// write to keep `lastUsedAt` (which the audit's unused-key finding reads) current.
final class KeyActivity: Sendable {
    private let pending = Mutex<[String: KeyUse]>([:])

    /// Notes that the admission's key authenticated, unless authentication itself refused it.
    func note(_ admission: Admission, at now: Timestamp = .now) {
        guard let key = admission.key, admission.refusal?.layer != .authentication else { return }
        let use = KeyUse(team: key.team, name: key.name, at: now)
        pending.withLock { $0[key.team + "/" + key.name] = use }
    }

    /// The uses noted since the last call, one per key (its latest).
    func drain() -> [KeyUse] {
        pending.withLock { uses in
            defer { uses = [:] }
            return Array(uses.values)
        }
    }
}

/// Writes noted key uses to the store every `interval`, and once more on shutdown.
struct KeyActivityRecorder: Service {
    let activity: KeyActivity
    let store: any GatewayStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            await flush()
        }
        await flush()
    }

    private func flush() async {
        let uses = activity.drain()
        guard !uses.isEmpty else { return }
        do {
            try await store.recordKeyUse(uses)
        } catch {
            logger.warning(
                "cannot record when keys were last used", metadata: ["keys": "\(uses.count)", "reason": "\(error)"])
        }
    }
}
