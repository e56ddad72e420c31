import Foundation
import GatewayModel
import GatewayPlan
import ManifestKit
import PolicyAudit

/// Manifests in, plan out: load and validate, resolve secrets, read the live state, diff.
/// Stops at the first stage that fails (loading; then secrets and lint together), with every
/// diagnostic of that stage.
public struct PlanSession: Sendable {
    public var paths: [String]
    public var target: GatewayTarget
    public var options: Planner.Options
    public var resolver: SecretResolver
    /// Whether the plan carries the access review (every affected key's reach before and after).
    public var accessReview: Bool
    /// The window of recorded traffic to decide again under the planned state; nil: no replay.
    public var replay: TimeWindow?
    /// Reads the manifests (with an environment's variables).
    public var loader: ManifestLoader

    public init(
        paths: [String], target: GatewayTarget, options: Planner.Options, resolver: SecretResolver = SecretResolver(),
        accessReview: Bool = true, replay: TimeWindow? = nil, loader: ManifestLoader = .init()
    ) {
        self.loader = loader
        self.accessReview = accessReview
        self.replay = replay
        self.paths = paths
        self.target = target
        self.options = options
        self.resolver = resolver
    }

    /// The outcome of planning.
    public enum Outcome: Sendable {
        /// The manifests, their secrets or the lint found errors; nothing was changed (and, unless
        /// only the lint failed, nothing contacted).
        case invalid([Diagnostic])
        case planned(Plan, desired: DesiredRecords, references: [ResourceRef: SecretReference], warnings: [Diagnostic])
    }

    public func run() async throws -> Outcome {
        // The embedded state is a local file: it is read while the manifests load, on the other
        // core. A gatewayd is read once the manifests and their secrets are valid, while the lint
        // runs; reading changes nothing, and a lint error still discards the plan.
        let target = self.target
        let read: @Sendable () async throws -> GatewayState = { try await target.reader()?.state() ?? GatewayState() }
        let early: Task<GatewayState, any Error>? = target.isLocal ? Task { try await read() } : nil
        var manifests = loader.load(paths: paths)
        guard manifests.isValid else {
            early?.cancel()
            return .invalid(manifests.diagnostics)
        }
        let loaded = manifests
        // Records do not depend on secrets: one copy serves the lint and the diff.
        let records = DesiredRecords(state: manifests.state, secrets: [:])
        let lint = Task { ManifestLint.diagnostics(for: loaded, records: records, now: .now) }
        let (secrets, secretDiagnostics) = resolver.resolve(manifests)
        func linted() async -> Bool {
            manifests.diagnostics = (manifests.diagnostics + (await lint.value)).sortedByLocation()
            return manifests.isValid && secretDiagnostics.isEmpty
        }
        guard secretDiagnostics.isEmpty else {
            early?.cancel()
            _ = await linted()
            return .invalid(manifests.diagnostics + secretDiagnostics)
        }
        let state = early ?? Task { try await read() }
        var desired = records
        desired.secrets = secrets
        let actual: GatewayState
        do {
            actual = try await state.value
        } catch {
            // The manifests' own errors come first: they are what the user must fix.
            guard await linted() else { return .invalid(manifests.diagnostics) }
            throw error
        }
        var plan = Planner(options: options).plan(desired: desired, actual: actual, target: target.description)
        let references = SecretResolver.references(in: manifests)
        let root = resolver.policy?.root
        for index in plan.actions.indices where plan.actions[index].secret != nil {
            plan.actions[index].secretSource = references[plan.actions[index].target].map { Self.shown($0, root: root) }
        }
        if accessReview {
            plan.access = AccessDiff.review(plan, actual: actual, desired: desired, references: references)
        }
        guard await linted() else { return .invalid(manifests.diagnostics) }
        if let window = replay {
            plan.replay = try await self.replay(window, plan: plan, actual: actual, desired: desired)
        }
        return .planned(
            plan, desired: desired, references: references,
            warnings: manifests.diagnostics)
    }

    /// A reference as the reviewer reads it: a file inside the repository by its path from the root.
    static func shown(_ reference: SecretReference, root: String?) -> String {
        guard case .file(let path) = reference, let root else { return reference.description }
        return "file:" + Workspace.shown(path, from: root)
    }

    /// The traffic the gateway served in `window`, decided again under the planned state.
    private func replay(
        _ window: TimeWindow, plan: Plan, actual: GatewayState, desired: DesiredRecords
    ) async throws
        -> TrafficReplay
    {
        let now = Timestamp.now
        let since = window.since(now: now)
        let groups = try await target.reader()?.traffic(since: since) ?? []
        let replayer = TrafficReplayer(plan: plan, live: actual, desired: desired, now: now)
        return replayer.replay(groups, window: window.description, since: since)
    }
}
