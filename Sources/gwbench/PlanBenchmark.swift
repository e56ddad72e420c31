import AdminAPI
import ArgumentParser
import Foundation
import GatewayModel
import GatewayPlan
import GatewayServer
import GatewayStore
import GwctlCore
import Hummingbird
import Logging
import ManifestKit

/// `gwbench plan`: a synthetic manifest set applied to a gateway, then planned against it with
/// 1% drift, embedded and over HTTP; then the drift applied.
struct PlanBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Time gwctl's plan (load, resolve, read state, diff) at scale, embedded and over HTTP.")

    @Option(help: "Number of teams.") var teams = 10_000
    @Option(help: "Keys per team.") var keysPerTeam = 10
    @Option(help: "Percentage of keys changed behind gwctl's back.") var driftPercent = 1.0

    func run() async throws {
        let gateway = try SyntheticGateway(name: "plan", teams: teams, keysPerTeam: keysPerTeam)
        defer { gateway.remove() }
        let (manifest, resolver, store) = (gateway.manifest, gateway.resolver, gateway.store)
        var start = ContinuousClock.now
        let (firstPlan, desired) = try await gateway.plan()
        report("plan against an empty gateway (\(firstPlan.actions.count) creates)", ContinuousClock.now - start)
        start = ContinuousClock.now
        _ = try await store.apply(try firstPlan.changeset(secrets: desired.secrets), actor: "bench")
        report("apply from empty", ContinuousClock.now - start)

        // Drift: change the description of driftPercent% of keys behind gwctl's back.
        let live = try await store.state()
        let stride = max(1, Int(100 / driftPercent))
        let drifted = live.apiKeys.enumerated().filter { $0.offset % stride == 0 }.map { entry -> ChangeOperation in
            var key = entry.element
            key.description = "changed by hand"
            key.status = nil
            key.prefix = nil
            return ChangeOperation(op: .update, target: .apiKey(team: key.team, name: key.name), payload: .apiKey(key))
        }
        _ = try await store.apply(Changeset(operations: drifted, managedBy: ManagedBy.gwctl), actor: "someone")

        start = ContinuousClock.now
        let (plan, desired2) = try await gateway.plan()
        report(
            "embedded plan with \(drifted.count) drifted keys (\(plan.actions.count) updates)",
            ContinuousClock.now - start)

        // The same pipeline, phase by phase.
        var phase = ContinuousClock.now
        var loaded = ManifestLoader().load(paths: [manifest])
        report("  phase: load and validate manifests", ContinuousClock.now - phase)
        phase = ContinuousClock.now
        ManifestLint.lint(&loaded)
        report("  phase: lint", ContinuousClock.now - phase)
        phase = ContinuousClock.now
        let (resolved, _) = resolver.resolve(loaded)
        report("  phase: resolve \(resolved.count) secrets", ContinuousClock.now - phase)
        phase = ContinuousClock.now
        let records = DesiredRecords(state: loaded.state, secrets: resolved)
        report("  phase: desired records", ContinuousClock.now - phase)
        phase = ContinuousClock.now
        let actual = try await store.state()
        report("  phase: read the embedded state", ContinuousClock.now - phase)
        phase = ContinuousClock.now
        let diffed = Planner().plan(desired: records, actual: actual, target: "embedded")
        report("  phase: planner (\(diffed.actions.count) actions)", ContinuousClock.now - phase)

        try await LocalGateway.with(store) { url in
            let http = GatewayTarget.http(url: url, token: LocalGateway.token)
            let start = ContinuousClock.now
            let remote = PlanSession(paths: [manifest], target: http, options: .init(), resolver: resolver)
            guard case .planned(let overHTTP, _, _, _) = try await remote.run() else { throw ValidationError("?") }
            report(
                "HTTP plan with \(drifted.count) drifted keys (\(overHTTP.actions.count) updates)",
                ContinuousClock.now - start)
        }

        start = ContinuousClock.now
        _ = try await store.apply(try plan.changeset(secrets: desired2.secrets), actor: "bench")
        report("apply of the drift (\(plan.actions.count) updates)", ContinuousClock.now - start)
        print("peak RSS: \(PeakMemory.residentMegabytes()) MiB")
    }
}
