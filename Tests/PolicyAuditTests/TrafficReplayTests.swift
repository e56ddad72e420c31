import GatewayModel
import GatewayPlan
import PolicyAudit
import TestSupport
import Testing

/// Replays of recorded traffic over examples/acme: each edit's effect on exactly these requests.
@Suite("Traffic replay")
struct TrafficReplayTests {
    /// A week of acme traffic, as the store groups it; every route is the one the live state takes.
    static let traffic = [
        // Asked for gpt-4o, rewritten to gpt-5.4-mini, served by Azure through payments' own key.
        TrafficGroup(
            team: "payments", key: "checkout-backend", requestedModel: "openai/gpt-4o", provider: "azure",
            credentialKind: .teamBYOK, credentialName: "azure-prod", requests: 10, inputTokens: 100_000,
            outputTokens: 50_000, costMicroUSD: 125_000),
        TrafficGroup(
            team: "payments", key: "fraud-scoring", requestedModel: "anthropic/claude-sonnet-4.6",
            provider: "anthropic", credentialKind: .system, requests: 5, inputTokens: 10_000, outputTokens: 2_000,
            costMicroUSD: 60_000),
        TrafficGroup(
            team: "research", key: "notebooks", requestedModel: "anthropic/claude-sonnet-4.6", provider: "anthropic",
            credentialKind: .teamBYOK, credentialName: "anthropic-research", requests: 3, inputTokens: 1_000,
            outputTokens: 1_000, costMicroUSD: 18_000),
    ]
    static let since = Timestamp(rfc3339: "2026-11-25T00:00:00Z")!

    static func replay(_ edit: (inout DesiredRecords) -> Void) -> TrafficReplay {
        var desired = AccessScenario.desired()
        edit(&desired)
        let live = AccessScenario.live()
        let plan = Planner().plan(desired: desired, actual: live, target: "test")
        let replayer = TrafficReplayer(
            plan: plan, live: live, desired: desired, now: Timestamp(rfc3339: "2026-12-01T00:00:00Z")!)
        return replayer.replay(traffic, window: "7d", since: since)
    }

    static func plan(with replay: TrafficReplay) -> Plan {
        var plan = Plan(target: "test", stateRevision: 1, actions: [], unmanaged: [], errors: [])
        plan.replay = replay
        return plan
    }

    static func text(_ replay: TrafficReplay) -> String { PlanRenderer.text(plan(with: replay)) }

    @Test func aPlanInSyncChangesNoReplayedRequest() {
        let replay = Self.replay { _ in }
        #expect(replay.requests == 18 && replay.groups == 3)
        // A plan that changes nothing can affect no key: nothing is decided again.
        #expect(replay.decided == 0)
        #expect(replay.refused == 0 && replay.moved == 0 && replay.restored == 0)
        #expect(!replay.changes)
        #expect(replay.spend == ReplaySpend())

        // Every key decided under both states: the recorded routes are the live state's own.
        let live = AccessScenario.live()
        let everything = TrafficReplayer(live: live, planned: live).replay(
            Self.traffic, window: "7d", since: Self.since)
        #expect(everything.decided == 18 && everything.drifted == 0 && !everything.changes)
        #expect(
            everything.spend
                == ReplaySpend(
                    creditsBeforeMicroUSD: 60_000, creditsAfterMicroUSD: 60_000, byokBeforeMicroUSD: 143_000,
                    byokAfterMicroUSD: 143_000))
        #expect(Self.text(replay).contains("= no replayed request is refused"))
    }

    @Test func narrowingAnAllowlistAndDeletingAKeyRefuseTheirRequestsByKeyAndCode() throws {
        let replay = Self.replay { desired in
            AccessScenario.team("payments", in: &desired) { $0.models = ["openai/gpt-5.4-mini"] }
            desired.apiKeys.removeAll { $0.team == "research" && $0.name == "notebooks" }
        }
        #expect(replay.refused == 8 && replay.moved == 0)
        #expect(
            replay.refusalsByCode == [
                ReplayCount(name: "model_not_allowed", requests: 5), ReplayCount(name: "invalid_api_key", requests: 3),
            ])
        #expect(replay.refusalsByKey.map(\.key) == ["payments/fraud-scoring", "research/notebooks"])
        let fraud = try #require(replay.refusalsByKey.first)
        #expect(
            fraud.code == "model_not_allowed" && fraud.requests == 5 && fraud.models == ["anthropic/claude-sonnet-4.6"])
        #expect(fraud.reason.contains("payments"))
        // Refused requests cost nothing after: credits lose fraud-scoring's spend, BYOK research's.
        #expect(
            replay.spend
                == ReplaySpend(
                    creditsBeforeMicroUSD: 60_000, creditsAfterMicroUSD: 0, byokBeforeMicroUSD: 143_000,
                    byokAfterMicroUSD: 125_000))
        let text = Self.text(replay)
        #expect(text.contains("- 8 requests would now be refused: model_not_allowed 5, invalid_api_key 3"))
        #expect(text.contains("payments/fraud-scoring: 5 requests (anthropic/claude-sonnet-4.6) — model_not_allowed"))
    }

    @Test func droppingTheBYOKProviderMovesTrafficOntoCreditsAtThePlannedPrices() throws {
        let replay = Self.replay { desired in
            AccessScenario.team("payments", in: &desired) { $0.providers = ["openai", "anthropic"] }
        }
        #expect(replay.refused == 0 && replay.moved == 10)
        // Only payments' keys can be affected: research's requests are not decided again.
        #expect(replay.decided == 15)
        #expect(
            replay.moves == [
                ReplayMove(
                    fromProvider: "azure", fromCredential: CredentialUse(kind: .teamBYOK, name: "azure-prod"),
                    toProvider: "openai", toCredential: CredentialUse(kind: .system), requests: 10, keys: 1,
                    examples: ["payments/checkout-backend"])
            ])
        #expect(replay.moves.first?.widening == true)
        #expect(
            replay.spend
                == ReplaySpend(
                    creditsBeforeMicroUSD: 60_000, creditsAfterMicroUSD: 185_000, byokBeforeMicroUSD: 125_000,
                    byokAfterMicroUSD: 0))
        let markdown = MarkdownRenderer.markdown(Self.plan(with: replay))
        #expect(
            markdown.contains(
                "- `!` 10 requests move from azure (team BYOK 'azure-prod') to openai (system credential (credits)), 1 key: payments/checkout-backend"
            ))
        #expect(markdown.contains("their spend at the planned prices: credits $0.06 → $0.19, BYOK $0.13 → $0"))
    }

    @Test func aRequestTheLiveStateAlreadyRoutesElsewhereIsCountedAsDrift() {
        var drifted = Self.traffic
        drifted[1].provider = "openai"
        let live = AccessScenario.live()
        let replay = TrafficReplayer(live: live, planned: live).replay(drifted, window: "7d", since: Self.since)
        #expect(replay.drifted == 5 && !replay.changes)
        #expect(Self.text(replay).contains("5 requests would already be decided differently"))
    }

    @Test func aReplayRendersAsItsGoldensInEveryFormat() throws {
        var desired = AccessScenario.desired()
        AccessScenario.team("payments", in: &desired) {
            $0.providers = ["openai", "anthropic"]
            $0.models = ["openai/gpt-5.4-mini"]
        }
        desired.apiKeys.removeAll { $0.team == "research" && $0.name == "notebooks" }
        let live = AccessScenario.live()
        var plan = Planner().plan(desired: desired, actual: live, target: "embedded state (golden)")
        plan.replay = TrafficReplayer(
            plan: plan, live: live, desired: desired, now: Timestamp(rfc3339: "2026-12-01T00:00:00Z")!
        ).replay(Self.traffic, window: "7d", since: Self.since)
        for (name, actual) in [
            ("replay-plan.txt", PlanRenderer.text(plan)), ("replay-plan.json", try PlanRenderer.json(plan)),
            ("replay-plan.md", MarkdownRenderer.markdown(plan)),
        ] {
            let path = "\(AccessDiffTests.goldens)/\(name)"
            #expect(
                actual == (try Golden.expected(path, actual: actual)),
                "\(path) differs; run with GWCTL_UPDATE_GOLDENS=1 to review")
        }
    }
}
