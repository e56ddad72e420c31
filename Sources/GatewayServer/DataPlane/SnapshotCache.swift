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
    /// Bumped by every invalidation; a snapshot is fresh when it was loaded at the current one.
    private var generation = 0
    private var loadedGeneration = -1
    /// The load in progress and the generation it started at: requests of that generation wait
    /// for it instead of loading again.
    private var loading: (generation: Int, task: Task<GatewaySnapshot, any Error>)?

    init(store: any GatewayStore) {
        self.store = store
    }

    /// The current snapshot, loading it first when a change made it stale.
    func current() async throws -> GatewaySnapshot {
        if loadedGeneration == generation, let snapshot { return snapshot }
        if let loading, loading.generation == generation { return try await loading.task.value }
        let started = generation
        let store = self.store
        let previous = snapshot
        let task = Task<GatewaySnapshot, any Error> {
            if let previous, try await store.revision() == previous.revision { return previous }
            return GatewaySnapshot(state: try await store.state(), keyHashes: try await store.apiKeyHashes())
        }
        loading = (started, task)
        let result = await task.result
        if loading?.generation == started { loading = nil }
        let loaded = try result.get()
        if started >= loadedGeneration {
            snapshot = loaded
            loadedGeneration = started
        }
        return loaded
    }

    /// Marks the snapshot stale; the next request reloads it if the revision moved.
    func invalidate() {
        generation += 1
    }
}

/// Notices changes made by other writers of the state (an embedded `gwctl apply`, another
/// gatewayd): at once when the store announces them (PostgreSQL's NOTIFY), and by polling the
/// revision every `interval` in any case, so a missed announcement heals by itself.
struct SnapshotRefresher: Service {
    let cache: SnapshotCache
    let feed: (any StateChangeFeed)?
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                if let feed {
                    group.addTask { await feed.watchChanges { await reload() } }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        await reload()
                    }
                }
            }
        }
    }

    private func reload() async {
        guard !Task.isCancelled else { return }
        await cache.invalidate()
        do {
            _ = try await cache.current()
        } catch {
            logger.warning("cannot reload the configuration", metadata: ["reason": "\(error)"])
        }
    }
}
