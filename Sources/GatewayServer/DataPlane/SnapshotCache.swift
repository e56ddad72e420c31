import GatewayCore
import GatewayModel
import GatewayStore
import Logging
import ServiceLifecycle

/// The configuration the data plane admits against: one snapshot per state revision, rebuilt
/// when the revision moves (a change through this gatewayd, or another writer of the state).
actor SnapshotCache {
    private let store: any GatewayStore
    private var snapshot: GatewaySnapshot?
    private var stale = true

    init(store: any GatewayStore) {
        self.store = store
    }

    /// The current snapshot, loading it first when a change made it stale.
    func current() async throws -> GatewaySnapshot {
        if !stale, let snapshot { return snapshot }
        let revision = try await store.revision()
        if let snapshot, snapshot.revision == revision {
            stale = false
            return snapshot
        }
        let loaded = GatewaySnapshot(state: try await store.state(), keyHashes: try await store.apiKeyHashes())
        snapshot = loaded
        stale = false
        return loaded
    }

    /// Marks the snapshot stale; the next request reloads it if the revision moved.
    func invalidate() {
        stale = true
    }
}

/// Notices changes made by other writers of the state (an embedded `gwctl apply`, another
/// gatewayd) by polling the revision, so that they reach the data plane within `interval`.
struct SnapshotRefresher: Service {
    let cache: SnapshotCache
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            await cache.invalidate()
            do {
                _ = try await cache.current()
            } catch {
                logger.warning("cannot reload the configuration", metadata: ["reason": "\(error)"])
            }
        }
    }
}
