import ArgumentParser
import Foundation
import GatewayCore
import GatewayModel
import GatewayPlan
import GatewayStore
import GwctlCore
import ManifestKit
import PolicyAudit

/// `gwbench replay`: a synthetic gateway with a week of recorded traffic, planned with and
/// without `--replay 7d` in one run, so the replay's own cost reads beside the plan it adds to.
struct ReplayBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Time gwctl plan --replay over a million recorded requests, beside the same plan without it.")

    @Option(help: "Number of teams.") var teams = 10_000
    @Option(help: "Keys per team.") var keysPerTeam = 10
    @Option(help: "Recorded requests.") var records = 1_000_000
    @Option(help: "Percentage of keys whose allowlist the planned change narrows.") var narrowedPercent = 1.0

    func run() async throws {
        let gateway = try SyntheticGateway(name: "replay", teams: teams, keysPerTeam: keysPerTeam)
        defer { gateway.remove() }
        let (first, desired) = try await gateway.plan()
        _ = try await gateway.store.apply(try first.changeset(secrets: desired.secrets), actor: "bench")

        // A week of traffic, each request recorded with the route the live state gives it.
        var start = ContinuousClock.now
        let live = try await gateway.store.state()
        let policy = AdmissionPolicy(snapshot: GatewaySnapshot(state: live, keyHashes: [], keysByName: true))
        let models = ["openai/gpt-5.4-mini", "anthropic/claude-haiku-4.5"]
        var routes: [String: RouteCandidate] = [:]
        let now = Timestamp.now
        var batch: [UsageRecord] = []
        batch.reserveCapacity(50_000)
        for index in 0..<records {
            let key = live.apiKeys[index % live.apiKeys.count]
            let model = models[(index / live.apiKeys.count) % models.count]
            let name = key.team + "/" + key.name + " " + model
            let route: RouteCandidate
            if let known = routes[name] {
                route = known
            } else {
                guard
                    let first = policy.evaluate(
                        AdmissionRequest(caller: .named(key.team + "/" + key.name), model: model)
                    ).route.first
                else { throw ValidationError("the synthetic gateway refuses \(name)") }
                route = first
                routes[name] = first
            }
            batch.append(
                UsageRecord(
                    requestID: "req_\(index)", team: key.team, key: key.name, model: route.model,
                    provider: route.provider, credentialKind: route.credentialKind,
                    credentialName: route.credentialName, inputTokens: 400 + index % 600,
                    outputTokens: 50 + index % 200,
                    costMicroUSD: 0, at: Timestamp(seconds: now.seconds - Int64(index % 600_000)),
                    requestedModel: model,
                    endpoint: .chat))
            if batch.count == 50_000 {
                try await gateway.store.recordUsage(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try await gateway.store.recordUsage(batch)
        report("record \(records) requests of \(live.apiKeys.count) keys", ContinuousClock.now - start)

        // The change under review: every hundredth key loses its Anthropic model.
        let narrowed = gateway.directory.appendingPathComponent("narrowed.yaml").path
        var seen = 0
        let stride = max(1, Int(100 / narrowedPercent))
        let lines = try String(contentsOfFile: gateway.manifest, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false
        ).map { line -> Substring in
            guard line.hasSuffix("models: [\"openai/gpt-5.4-mini\", \"anthropic/claude-haiku-*\"]") else { return line }
            seen += 1
            return seen % stride == 0
                ? line.replacingOccurrences(of: ", \"anthropic/claude-haiku-*\"", with: "")[...] : line
        }
        try lines.joined(separator: "\n").write(toFile: narrowed, atomically: true, encoding: .utf8)

        for replay in [nil, TimeWindow.lastSevenDays] {
            start = ContinuousClock.now
            let session = PlanSession(
                paths: [narrowed], target: gateway.embedded, options: .init(), resolver: gateway.resolver,
                replay: replay)
            guard case .planned(let plan, _, _, _) = try await session.run() else {
                throw ValidationError("the narrowed manifests are invalid")
            }
            let took = ContinuousClock.now - start
            if let result = plan.replay {
                report(
                    "plan with --replay 7d: \(plan.actions.count) updates, \(result.requests) requests in \(result.groups) "
                        + "groups, \(result.refused) newly refused", took)
            } else {
                report("plan without replay: \(plan.actions.count) updates", took)
            }
        }

        // The replay's parts on their own.
        start = ContinuousClock.now
        let groups = try await gateway.store.traffic(since: Timestamp(seconds: now.seconds - 7 * 86_400))
        report("  part: group \(records) records in the store (\(groups.count) groups)", ContinuousClock.now - start)
        let (plan, planned) = try await gateway.plan(paths: [narrowed], accessReview: false)
        start = ContinuousClock.now
        let replay = TrafficReplayer(plan: plan, live: live, desired: planned).replay(
            groups, window: "7d", since: Timestamp(seconds: now.seconds - 7 * 86_400))
        report("  part: decide \(replay.groups) groups under both states", ContinuousClock.now - start)
        print("peak RSS: \(PeakMemory.residentMegabytes()) MiB")
    }
}
