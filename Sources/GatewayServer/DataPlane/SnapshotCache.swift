import GatewayCore
import GatewayModel
import GatewayStore
import Logging
import ServiceLifecycle
import Synchronization

/// The configuration the data plane admits against: one snapshot per state revision, rebuilt
/// when the revision moves (a change through this gatewayd, or another writer of the state).
///
/// A lock rather than an actor: every request reads the snapshot, and a fresh one is a field
/// read under the lock instead of a hop onto an actor's executor.
final class SnapshotCache: Sendable {
    private struct State {
        var snapshot: GatewaySnapshot?
        /// Bumped by every invalidation; a snapshot is fresh when it was loaded at the current one.
        var generation = 0
        var loadedGeneration = -1
        /// The load in progress and the generation it started at: requests of that generation
        /// wait for it instead of loading again.
        var loading: (generation: Int, task: Task<GatewaySnapshot, any Error>)?
    }

    private let store: any GatewayStore
    private let state = Mutex(State())
    /// Whether the store answers; while it does not, the held snapshot is served (``StateHealth``).
    let health: StateHealth

    init(store: any GatewayStore, health: StateHealth) {
        self.store = store
        self.health = health
    }

    /// The current snapshot, loading it first when a change made it stale.
    ///
    /// While the store is down, requests get the held snapshot at once and only `refresh` calls
    /// (the ``SnapshotRefresher``) try the store, so no request waits on a store that is not
    /// there. A load that fails, or outlasts ``StateHealth/readLimit`` while a snapshot is held,
    /// also falls back to the held snapshot for as long as ``StateHealth/staleLimit`` allows;
    /// with none held it throws.
    func current(refresh: Bool = false) async throws -> GatewaySnapshot {
        let store = self.store
        let health = self.health
        let (ready, load): (GatewaySnapshot?, (generation: Int, task: Task<GatewaySnapshot, any Error>)?) =
            state.withLock { state in
                if state.loadedGeneration == state.generation, let snapshot = state.snapshot { return (snapshot, nil) }
                if !refresh, let snapshot = state.snapshot, health.isDown, health.mayServeHeldState {
                    return (snapshot, nil)
                }
                if let loading = state.loading, loading.generation == state.generation { return (nil, loading) }
                let previous = state.snapshot
                let task = Task<GatewaySnapshot, any Error> {
                    @Sendable func load() async throws -> GatewaySnapshot {
                        if let previous, try await store.revision() == previous.revision { return previous }
                        return GatewaySnapshot(
                            state: try await store.state(), keyHashes: try await store.apiKeyHashes())
                    }
                    // The first load has nothing to fall back on: it is waited for.
                    return previous == nil ? try await load() : try await health.bounded(load)
                }
                state.loading = (state.generation, task)
                return (nil, state.loading)
            }
        if let ready { return ready }
        guard let load else { preconditionFailure("a stale snapshot always has a load") }
        let result = await load.task.result
        let held: GatewaySnapshot? = state.withLock { state in
            if state.loading?.generation == load.generation { state.loading = nil }
            if case .success(let loaded) = result, load.generation >= state.loadedGeneration {
                state.snapshot = loaded
                state.loadedGeneration = load.generation
            }
            return state.snapshot
        }
        switch result {
        case .success(let snapshot):
            health.succeeded()
            return snapshot
        case .failure(let error):
            health.failed(error)
            if let held, health.mayServeHeldState { return held }
            throw error
        }
    }

    /// The snapshot held now, without loading one.
    var held: GatewaySnapshot? { state.withLock { $0.snapshot } }

    /// Marks the snapshot stale; the next request reloads it if the revision moved.
    func invalidate() {
        state.withLock { $0.generation += 1 }
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
        await cancelWhenGracefulShutdown {
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
        cache.invalidate()
        do {
            _ = try await cache.current(refresh: true)
        } catch {
            logger.warning("cannot reload the configuration", metadata: ["reason": "\(error)"])
        }
    }
}
