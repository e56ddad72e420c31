import Foundation
import GatewayModel
import GatewayPlan
import GatewayStore
import Testing

/// Property: for random desired and live states, applying plan(desired, live) and planning again
/// shows no changes. Seeded and bounded (set GWCTL_PLAN_SEED / GWCTL_PLAN_ITERATIONS to explore).
@Suite("Plan convergence")
struct ConvergenceTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["GWCTL_PLAN_SEED"] ?? "") ?? 0x706C_616E
    static let iterations = Int(ProcessInfo.processInfo.environment["GWCTL_PLAN_ITERATIONS"] ?? "") ?? 25

    @Test func applyingAPlanThenPlanningAgainShowsNoChanges() async throws {
        var random = Random(seed: Self.seed)
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
                        team: TeamRecord(metadata: ResourceMetadata(name: "manual-\(iteration)")))
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

    static func randomDesired(_ random: inout Random) -> DesiredRecords {
        let providerNames = ["p0", "p1", "p2", "p3"].filter { _ in random.chance(0.7) }
        var secrets: [ResourceRef: String] = [:]
        let providers = providerNames.map { name in
            if random.chance(0.5) { secrets[.provider(name)] = "sys-\(name)-\(random.below(3))" }
            return Provider(
                metadata: ResourceMetadata(
                    name: name, labels: random.chance(0.5) ? ["tier": "\(random.below(2))"] : [:]),
                type: .mock, zeroDataRetention: random.chance(0.5),
                secret: secrets[.provider(name)] == nil ? nil : .env("X"),
                models: (0..<(1 + random.below(3))).map { ProviderModel(id: "mock/m\($0)") })
        }
        var teams: [Team] = []
        for name in ["t0", "t1", "t2", "t3", "t4"] where random.chance(0.6) {
            var team = Team(
                metadata: ResourceMetadata(name: name), displayName: random.chance(0.5) ? "Team \(name)" : nil,
                tier: random.chance(0.5) ? .paid : .free,
                providers: providerNames.isEmpty || random.chance(0.5)
                    ? nil : [providerNames[random.below(providerNames.count)]],
                budget: random.chance(0.3) ? Budget(limitUSD: Double(random.below(5) * 100), period: .monthly) : nil)
            if let provider = providerNames.first, random.chance(0.5) {
                team.byok = [BYOKCredential(name: "own", provider: provider, secret: .env("Y"), options: [:])]
                secrets[.credential(team: name, name: "own")] = "byok-\(name)-\(random.below(3))"
            }
            team.keys = ["k0", "k1", "k2"].filter { _ in random.chance(0.6) }.map {
                APIKeySpec(name: $0, description: random.chance(0.5) ? "key \($0)" : nil, rotation: random.below(3))
            }
            teams.append(team)
        }
        var rules: [Rule] = []
        if let team = teams.first, random.chance(0.6) {
            rules.append(
                Rule(
                    metadata: ResourceMetadata(name: "deny-\(team.name)"), priority: random.below(50),
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

/// SplitMix64: deterministic, so a failing seed reproduces.
struct Random {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }
    mutating func chance(_ probability: Double) -> Bool { Double(next() % 10_000) / 10_000 < probability }
}
