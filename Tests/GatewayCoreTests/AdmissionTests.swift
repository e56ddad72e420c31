import GatewayCore
import GatewayCrypto
import GatewayModel
import NIOConcurrencyHelpers
import Testing

/// A ledger with fixed balances and spend, for admission without a store.
struct FixedLedger: SpendLedger {
    var balances: [String: Int64] = [:]
    var spent: [String: Int64] = [:]

    func balance(team: String) async throws -> Int64 { balances[team] ?? 0 }
    func spend(team: String, key: String?, since: Timestamp) async throws -> Int64 {
        spent[key.map { team + "/" + $0 } ?? team] ?? 0
    }
}

/// A small gateway: two OpenAI-format providers and a mock, teams that exercise every layer.
enum World {
    static let priced = Pricing(inputPerMTokUSD: 1, outputPerMTokUSD: 2)

    static func state(
        policy: PolicyRecord = PolicyRecord(), teams: [TeamRecord], credentials: [CredentialRecord] = [],
        keys: [APIKeyRecord], rules: [RuleRecord] = []
    ) -> GatewayState {
        GatewayState(
            revision: 7,
            providers: [
                ProviderRecord(
                    metadata: ResourceMetadata(name: "azure"), type: .azureOpenAI, baseURL: "http://azure",
                    zeroDataRetention: true, models: [ProviderModel(id: "openai/gpt-5.4-mini", pricing: priced)]),
                ProviderRecord(
                    metadata: ResourceMetadata(name: "openai"), type: .openai, baseURL: "http://openai",
                    models: [
                        ProviderModel(id: "openai/gpt-5.4-mini", pricing: priced),
                        ProviderModel(id: "openai/gpt-4o", pricing: priced),
                    ],
                    secret: SecretFingerprint(salt: "00", sha256: "00")),
                ProviderRecord(
                    metadata: ResourceMetadata(name: "mock"), type: .mock, zeroDataRetention: true,
                    models: [ProviderModel(id: "mock/free")]),
            ],
            policy: policy, teams: teams, credentials: credentials, apiKeys: keys, rules: rules)
    }

    static func team(
        _ name: String, tier: Tier = .paid, _ configure: (inout TeamRecord) -> Void = { _ in }
    )
        -> TeamRecord
    {
        var team = TeamRecord(metadata: ResourceMetadata(name: name), tier: tier)
        configure(&team)
        return team
    }

    static func pipeline(
        _ state: GatewayState, ledger: FixedLedger = FixedLedger(balances: ["a": 1_000_000, "b": 1_000_000]),
        keyHashes: [APIKeyHash] = [], limiter: RateLimiter = RateLimiter()
    ) -> AdmissionPipeline {
        AdmissionPipeline(
            snapshot: GatewaySnapshot(state: state, keyHashes: keyHashes), ledger: ledger, limiter: limiter)
    }
}

@Suite("admission order")
struct AdmissionTests {
    func admit(
        _ pipeline: AdmissionPipeline, _ key: String, _ model: String, credential: Bool = false
    ) async throws
        -> Admission
    {
        try await pipeline.admit(AdmissionRequest(caller: .named(key), model: model, carriesCredential: credential))
    }

    @Test func anUnknownSecretIsRefusedAtAuthenticationAndAKnownOneFindsItsTeam() async throws {
        let state = World.state(teams: [World.team("a")], keys: [APIKeyRecord(team: "a", name: "k")])
        let pipeline = World.pipeline(
            state, keyHashes: [APIKeyHash(hash: KeyDigest.hex(of: "gw_right"), team: "a", name: "k")])
        let wrong = try await pipeline.admit(AdmissionRequest(caller: .secret("gw_wrong"), model: "mock/free"))
        #expect(wrong.refusal?.code == .invalidAPIKey)
        #expect(wrong.steps.map(\.layer) == [.authentication])
        let right = try await pipeline.admit(AdmissionRequest(caller: .secret("gw_right"), model: "mock/free"))
        #expect(right.isAdmitted)
        #expect(right.keyName == "a/k")
    }

    @Test func anExpiredKeyIsRefusedBeforeItsTeamIsLookedAt() async throws {
        let state = World.state(
            teams: [World.team("a") { $0.suspension = Suspension(reason: "x") }],
            keys: [APIKeyRecord(team: "a", name: "k", expiresAt: Timestamp(seconds: 10))])
        let admission = try await admit(World.pipeline(state), "a/k", "mock/free")
        #expect(admission.refusal?.code == .keyExpired)
        #expect(admission.refusal?.status == 401)
    }

    @Test func aSuspendedTeamIsRefusedWithItsReasonBeforeRulesRun() async throws {
        let state = World.state(
            teams: [World.team("a") { $0.suspension = Suspension(reason: "chargeback review #4411") }],
            keys: [APIKeyRecord(team: "a", name: "k")],
            rules: [RuleRecord(metadata: ResourceMetadata(name: "deny-all"), priority: 1, action: .deny(message: nil))])
        let admission = try await admit(World.pipeline(state), "a/k", "mock/free")
        #expect(admission.refusal?.code == .teamSuspended)
        #expect(admission.refusal?.message.contains("chargeback review #4411") == true)
        #expect(!admission.steps.contains { $0.layer == .rules })
    }

    @Test func aRewriteRunsBeforeALaterDenyThatMatchesTheNewModel() async throws {
        let state = World.state(
            teams: [World.team("a")], keys: [APIKeyRecord(team: "a", name: "k")],
            rules: [
                RuleRecord(
                    metadata: ResourceMetadata(name: "retire"), priority: 10,
                    match: RuleMatch(models: ["openai/gpt-4o"]),
                    action: .rewrite(model: "openai/gpt-5.4-mini")),
                RuleRecord(
                    metadata: ResourceMetadata(name: "no-mini"), priority: 20,
                    match: RuleMatch(models: ["openai/gpt-5.4-*"]), action: .deny(message: "not today")),
            ])
        let admission = try await admit(World.pipeline(state), "a/k", "openai/gpt-4o")
        #expect(admission.refusal?.code == .modelDenied)
        #expect(admission.refusal?.rule == "no-mini")
        #expect(admission.model == "openai/gpt-5.4-mini")
        #expect(admission.refusal?.message.contains("not today") == true)
    }

    @Test func allowlistsRefuseWithTheLayerThatBlocks() async throws {
        let state = World.state(
            teams: [
                World.team("a") { $0.models = ["openai/*"] },
                World.team("b") { $0.providers = ["mock"] },
            ],
            keys: [
                APIKeyRecord(team: "a", name: "narrow", models: ["openai/gpt-4o"]),
                APIKeyRecord(team: "a", name: "wide"), APIKeyRecord(team: "b", name: "k"),
            ])
        let pipeline = World.pipeline(state)
        #expect(try await admit(pipeline, "a/wide", "mock/free").refusal?.code == .modelNotAllowed)
        let byKey = try await admit(pipeline, "a/narrow", "openai/gpt-5.4-mini")
        #expect(byKey.refusal?.code == .modelNotAllowed)
        #expect(byKey.refusal?.message.contains("key 'a/narrow'") == true)
        #expect(try await admit(pipeline, "b/k", "openai/gpt-5.4-mini").refusal?.code == .providerNotAllowed)
        let unknown = try await admit(pipeline, "a/wide", "openai/gpt-9")
        #expect(unknown.refusal?.code == .modelNotFound)
        #expect(unknown.refusal?.status == 404)
    }

    @Test func aZeroRetentionTeamIsRoutedOnlyToZeroRetentionProviders() async throws {
        let state = World.state(
            teams: [World.team("a") { $0.dataRetention = .zero }],
            credentials: [CredentialRecord(team: "a", name: "az", provider: "azure")],
            keys: [APIKeyRecord(team: "a", name: "k")])
        let admission = try await admit(World.pipeline(state), "a/k", "openai/gpt-5.4-mini")
        #expect(admission.route.map(\.provider) == ["azure"])
        let noZDR = try await admit(World.pipeline(state), "a/k", "openai/gpt-4o")
        #expect(noZDR.refusal?.code == .zdrUnsatisfiable)
    }

    @Test func teamBYOKIsChosenBeforeTheSystemCredentialAndNeverNeedsCredits() async throws {
        let state = World.state(
            teams: [World.team("a")], credentials: [CredentialRecord(team: "a", name: "mine", provider: "openai")],
            keys: [APIKeyRecord(team: "a", name: "k")])
        let broke = World.pipeline(state, ledger: FixedLedger(balances: ["a": 0]))
        let admission = try await admit(broke, "a/k", "openai/gpt-4o")
        #expect(admission.isAdmitted)
        #expect(admission.route.first?.credentialKind == .teamBYOK)
        #expect(admission.route.first?.credentialName == "mine")
        #expect(admission.steps.contains { $0.layer == .credits && $0.detail.contains("BYOK") })
    }

    @Test func withoutCreditsTheSystemCandidateIsSkippedAndTheBYOKOneServes() async throws {
        // azure via the team's credential, openai via the system credential: no credits drops only openai.
        let state = World.state(
            teams: [World.team("a")], credentials: [CredentialRecord(team: "a", name: "az", provider: "azure")],
            keys: [APIKeyRecord(team: "a", name: "k")])
        let admission = try await admit(
            World.pipeline(state, ledger: FixedLedger(balances: ["a": 0])), "a/k", "openai/gpt-5.4-mini")
        #expect(admission.route.map(\.provider) == ["azure"])
        let systemOnly = try await admit(
            World.pipeline(state, ledger: FixedLedger(balances: ["a": 0])), "a/k", "openai/gpt-4o")
        #expect(systemOnly.refusal?.code == .insufficientCredits)
        #expect(systemOnly.refusal?.status == 402)
    }

    @Test func budgetsStopSystemSpendAtTheLimit() async throws {
        let state = World.state(
            teams: [World.team("a") { $0.budget = Budget(limitUSD: 5, period: .monthly) }],
            keys: [
                APIKeyRecord(team: "a", name: "k"),
                APIKeyRecord(team: "a", name: "capped", budget: Budget(limitUSD: 1, period: .daily)),
            ])
        let ledger = FixedLedger(balances: ["a": 100_000_000], spent: ["a": 4_000_000, "a/capped": 1_000_000])
        #expect(try await admit(World.pipeline(state, ledger: ledger), "a/k", "openai/gpt-4o").isAdmitted)
        let capped = try await admit(World.pipeline(state, ledger: ledger), "a/capped", "openai/gpt-4o")
        #expect(capped.refusal?.code == .budgetExceeded)
        #expect(capped.refusal?.message.contains("key 'a/capped'") == true)
        var full = ledger
        full.spent["a"] = 5_000_000
        #expect(
            try await admit(World.pipeline(state, ledger: full), "a/k", "openai/gpt-4o").refusal?.code
                == .budgetExceeded)
    }

    @Test func aFreeTierTeamCannotUseBYOKWhenThePolicyRequiresAPaidTier() async throws {
        let state = World.state(
            policy: PolicyRecord(byokRequiresPaidTier: true), teams: [World.team("a", tier: .free)],
            credentials: [CredentialRecord(team: "a", name: "az", provider: "azure")],
            keys: [APIKeyRecord(team: "a", name: "k")])
        let admission = try await admit(World.pipeline(state), "a/k", "openai/gpt-5.4-mini")
        // openai's system credential still serves; azure's BYOK is refused and explained.
        #expect(admission.route.map(\.provider) == ["openai"])
        #expect(admission.steps.contains { $0.detail.contains("free tier") })
        let onlyAzure = World.state(
            policy: PolicyRecord(byokRequiresPaidTier: true),
            teams: [World.team("a", tier: .free) { $0.providers = ["azure"] }],
            credentials: [CredentialRecord(team: "a", name: "az", provider: "azure")],
            keys: [APIKeyRecord(team: "a", name: "k")])
        #expect(
            try await admit(World.pipeline(onlyAzure), "a/k", "openai/gpt-5.4-mini").refusal?.code
                == .byokRequiresPaidTier)
    }

    @Test func aMissingCredentialNamesAnotherTeamsCredentialOnlyToAdmins() async throws {
        let state = World.state(
            teams: [World.team("a") { $0.providers = ["azure"] }, World.team("b")],
            credentials: [CredentialRecord(team: "b", name: "azure-prod", provider: "azure")],
            keys: [APIKeyRecord(team: "a", name: "k")])
        let pipeline = World.pipeline(state)
        let caller = try await admit(pipeline, "a/k", "openai/gpt-5.4-mini")
        #expect(caller.refusal?.code == .noCredential)
        #expect(!caller.steps.contains { $0.detail.contains("b/azure-prod") })
        let admin = try await pipeline.explain(ExplainRequest(key: "a/k", model: "openai/gpt-5.4-mini"))
        #expect(admin.refusal?.code == .noCredential)
        #expect(admin.steps.contains { $0.detail.contains("'b/azure-prod'") })
    }

    @Test func perRequestCredentialsNeedThePolicy() async throws {
        let keys = [APIKeyRecord(team: "a", name: "k")]
        let closed = World.state(teams: [World.team("a")], keys: keys)
        #expect(
            try await admit(World.pipeline(closed), "a/k", "openai/gpt-4o", credential: true).refusal?.code
                == .perRequestBYOKDisabled)
        let open = World.state(policy: PolicyRecord(perRequestBYOK: true), teams: [World.team("a")], keys: keys)
        let admission = try await admit(
            World.pipeline(open, ledger: FixedLedger()), "a/k", "openai/gpt-4o", credential: true)
        #expect(admission.route.first?.credentialKind == .requestBYOK)
    }

    @Test func aRouteRuleOrdersProvidersThenAddsFallbackModels() async throws {
        let state = World.state(
            teams: [World.team("a")], credentials: [CredentialRecord(team: "a", name: "az", provider: "azure")],
            keys: [APIKeyRecord(team: "a", name: "k")],
            rules: [
                RuleRecord(
                    metadata: ResourceMetadata(name: "prefer"), priority: 1,
                    match: RuleMatch(models: ["openai/gpt-5.4-mini"]),
                    action: .route(providers: ["openai", "azure"], fallbackModels: ["mock/free", "openai/gpt-9"]))
            ])
        let admission = try await admit(World.pipeline(state), "a/k", "openai/gpt-5.4-mini")
        #expect(
            admission.route.map { "\($0.provider):\($0.model)" } == [
                "openai:openai/gpt-5.4-mini", "azure:openai/gpt-5.4-mini", "mock:mock/free",
            ])
        #expect(admission.steps.contains { $0.detail.contains("fallback model 'openai/gpt-9' skipped") })
    }

    @Test func aFallbackModelCannotRouteAroundADenyRule() async throws {
        let state = World.state(
            teams: [World.team("a")], keys: [APIKeyRecord(team: "a", name: "k")],
            rules: [
                RuleRecord(
                    metadata: ResourceMetadata(name: "fallback"), priority: 1,
                    match: RuleMatch(models: ["openai/gpt-5.4-mini"]),
                    action: .route(providers: ["openai"], fallbackModels: ["openai/gpt-4o", "mock/free"])),
                RuleRecord(
                    metadata: ResourceMetadata(name: "no-4o"), priority: 2, match: RuleMatch(models: ["openai/gpt-4o"]),
                    action: .deny(message: "retired")),
            ])
        let admission = try await admit(World.pipeline(state), "a/k", "openai/gpt-5.4-mini")
        #expect(admission.route.map(\.model) == ["openai/gpt-5.4-mini", "mock/free"])
        #expect(admission.steps.contains { $0.rule == "no-4o" && $0.detail.contains("skipped") })
    }

    @Test func rateLimitsRefuseWithRetryAfterAndExplanationsDoNotConsume() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: { clock.now })
        let state = World.state(
            teams: [World.team("a")],
            keys: [APIKeyRecord(team: "a", name: "k", rateLimit: RateLimit(requestsPerMinute: 2))])
        let pipeline = World.pipeline(state, limiter: limiter)
        for _ in 0..<5 { _ = try await pipeline.explain(ExplainRequest(key: "a/k", model: "mock/free")) }
        #expect(try await admit(pipeline, "a/k", "mock/free").isAdmitted)
        #expect(try await admit(pipeline, "a/k", "mock/free").isAdmitted)
        let third = try await admit(pipeline, "a/k", "mock/free")
        #expect(third.refusal?.code == .rateLimited)
        #expect(third.refusal?.retryAfterSeconds == 30)
        clock.now += 30
        #expect(try await admit(pipeline, "a/k", "mock/free").isAdmitted)
    }
}

/// A clock tests move by hand.
final class ManualClock: Sendable {
    private let box = NIOLockedValueBox<Double>(1_000_000)

    var now: Double {
        get { box.withLockedValue { $0 } }
        set { box.withLockedValue { $0 = newValue } }
    }
}
