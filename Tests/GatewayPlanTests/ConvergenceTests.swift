import Foundation
import GatewayModel
import GatewayPlan
import GatewayStore
import TestSupport
import Testing

/// Property: for random desired and live states, applying plan(desired, live) and planning again
/// shows no changes. Seeded and bounded (set GWCTL_PLAN_SEED / GWCTL_PLAN_ITERATIONS to explore).
@Suite("Plan convergence")
struct ConvergenceTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["GWCTL_PLAN_SEED"] ?? "") ?? 0x706C_616E
    static let iterations = Int(ProcessInfo.processInfo.environment["GWCTL_PLAN_ITERATIONS"] ?? "") ?? 25

    @Test func applyingAPlanThenPlanningAgainShowsNoChanges() async throws {
        var random = SeededRandom(seed: Self.seed)
        for iteration in 0..<Self.iterations {
            let harness = try PlanHarness()
            defer { harness.cleanup() }
            // A live state made by gwctl from one random desired state, plus a hand-made team.
            let before = Self.randomDesired(&random)
            try await harness.apply(try await harness.plan(before), secrets: before.secrets)
            _ = try await harness.store.apply(
                Changeset(operations: [
                    ChangeOperation(
                        op: .create, target: .team("manual-\(iteration)"),
                        payload: .team(TeamRecord(metadata: ResourceMetadata(name: "manual-\(iteration)"))))
                ]), actor: "someone")

            let desired = Self.randomDesired(&random)
            let plan = try await harness.plan(desired)
            #expect(plan.errors.isEmpty, "seed \(Self.seed) iteration \(iteration): \(plan.errors)")
            try await harness.apply(plan, secrets: desired.secrets)
            let again = try await harness.plan(desired)
            #expect(
                !again.hasChanges,
                "seed \(Self.seed) iteration \(iteration): phantom diff \(again.actions.map { "\($0.action) \($0.target)" })"
            )
            #expect(again.unmanaged == [.team("manual-\(iteration)")])
        }
    }

    static func randomDesired(_ random: inout SeededRandom) -> DesiredRecords {
        let providerNames = ["p0", "p1", "p2", "p3"].filter { _ in random.chance(0.7) }
        var secrets: [ResourceRef: String] = [:]
        let providers = providerNames.map { name in
            if random.chance(0.5) { secrets[.provider(name)] = "sys-\(name)-\(random.next(below: 3))" }
            return Provider(
                metadata: ResourceMetadata(
                    name: name, labels: random.chance(0.5) ? ["tier": "\(random.next(below: 2))"] : [:]),
                type: .mock, zeroDataRetention: random.chance(0.5),
                secret: secrets[.provider(name)] == nil ? nil : .env("X"),
                models: (0..<(1 + random.next(below: 3))).map { ProviderModel(id: "mock/m\($0)") })
        }
        var teams: [Team] = []
        for name in ["t0", "t1", "t2", "t3", "t4"] where random.chance(0.6) {
            var team = Team(
                metadata: ResourceMetadata(name: name), displayName: random.chance(0.5) ? "Team \(name)" : nil,
                tier: random.chance(0.5) ? .paid : .free,
                providers: providerNames.isEmpty || random.chance(0.5)
                    ? nil : [providerNames[random.next(below: providerNames.count)]],
                budget: random.chance(0.3)
                    ? Budget(limitUSD: Double(random.next(below: 5) * 100), period: .monthly) : nil)
            if let provider = providerNames.first, random.chance(0.5) {
                team.byok = [BYOKCredential(name: "own", provider: provider, secret: .env("Y"), options: [:])]
                secrets[.credential(team: name, name: "own")] = "byok-\(name)-\(random.next(below: 3))"
            }
            team.keys = ["k0", "k1", "k2"].filter { _ in random.chance(0.6) }.map {
                APIKeySpec(
                    name: $0, description: random.chance(0.5) ? "key \($0)" : nil, rotation: random.next(below: 3))
            }
            teams.append(team)
        }
        var rules: [Rule] = []
        if let team = teams.first, random.chance(0.6) {
            rules.append(
                Rule(
                    metadata: ResourceMetadata(name: "deny-\(team.name)"), priority: random.next(below: 50),
                    match: RuleMatch(teams: [team.name]), action: .deny(message: random.chance(0.5) ? "no" : nil)))
        }
        if let provider = providerNames.last, random.chance(0.5) {
            rules.append(
                Rule(
                    metadata: ResourceMetadata(name: "route"), priority: 5,
                    action: .route(providers: [provider], fallbackModels: [])))
        }
        let policy = random.chance(0.5) ? GatewayPolicy(perRequestBYOK: random.chance(0.5)) : nil
        let state = DesiredState(providers: providers, policy: policy, teams: teams, rules: rules)
        return DesiredRecords(state: state, secrets: secrets)
    }
}
