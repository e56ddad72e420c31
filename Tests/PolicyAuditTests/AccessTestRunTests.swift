import GatewayModel
import PolicyAudit
import Testing

/// Each form of access test, passing and failing, over examples/acme.
@Suite("Access tests")
struct AccessTestRunTests {
    static let now = Timestamp(rfc3339: "2026-12-01T00:00:00Z")!

    static func run(_ select: KeySelector, model: String? = nil, _ expect: AccessExpectation) -> AccessTestResult {
        run(AccessScenario.live(), select, model: model, expect)
    }

    static func run(
        _ state: GatewayState, _ select: KeySelector, model: String? = nil, _ expect: AccessExpectation
    ) -> AccessTestResult {
        let test = AccessTest(metadata: ResourceMetadata(name: "t"), select: select, model: model, expect: expect)
        return AccessTestRun(state: state, now: now).run([test])[0]
    }

    @Test func servedByProviderAndCredential() {
        let checkout = KeySelector(keys: ["payments/checkout-backend"])
        let azure = Self.run(checkout, model: "openai/gpt-5.4-mini", .served(provider: "azure", credential: .teamBYOK))
        #expect(azure.passed && azure.checked == 1)
        let openai = Self.run(checkout, model: "openai/gpt-5.4-mini", .served(provider: "openai", credential: nil))
        #expect(!openai.passed)
        #expect(openai.failures.first?.message == "served by azure through team-byok, expected openai")
        #expect(openai.failures.first?.explanation?.steps.isEmpty == false)
        let credits = Self.run(checkout, model: "openai/gpt-5.4-mini", .served(provider: nil, credential: .system))
        #expect(credits.failures.first?.message == "served by azure through team-byok, expected system")
        // Refused where served was expected names the refusal.
        let refused = Self.run(checkout, model: "anthropic/claude-opus-4.6", .served(provider: nil, credential: nil))
        #expect(refused.failures.first?.message.hasPrefix("refused with model_not_allowed at allowlist") == true)
    }

    @Test func refusedWithACode() {
        let research = KeySelector(teams: ["research"])
        let denied = Self.run(research, model: "anthropic/claude-opus-*", .refused(code: "model_denied"))
        #expect(denied.passed && denied.checked == 2)
        let wrong = Self.run(research, model: "anthropic/claude-opus-*", .refused(code: "zdr_unsatisfiable"))
        #expect(wrong.failureCount == 2)
        #expect(wrong.failures.first?.message.contains("refused with model_denied") == true)
        let served = Self.run(research, model: "anthropic/claude-sonnet-4.6", .refused(code: "model_denied"))
        #expect(served.failureCount == 2)
        #expect(
            served.failures.first?.message
                == "served by anthropic through team-byok, expected refused with model_denied")
        // A suspended team's keys are refused at the team layer.
        let growth = Self.run(
            KeySelector(teams: ["growth"]), model: "openai/gpt-5.4-mini", .refused(code: "team_suspended"))
        #expect(growth.passed)
    }

    @Test func zeroDataRetentionTeamsReachOnlyZDRProviders() {
        let zero = KeySelector(dataRetention: .zero)
        #expect(Self.run(zero, .zdrOnly).passed)
        var state = AccessScenario.live()
        let legal = state.teams.firstIndex { $0.metadata.name == "legal" }!
        state.teams[legal].providers = nil
        let widened = Self.run(state, zero, .zdrOnly)
        // legal asks for ZDR, so admission keeps it on ZDR providers whatever its allowlist: still passes.
        #expect(widened.passed)
        let azure = state.providers.firstIndex { $0.metadata.name == "azure" }!
        state.providers[azure].zeroDataRetention = false
        state.providers[state.providers.firstIndex { $0.metadata.name == "openai" }!].zeroDataRetention = true
        // The test is about the providers, not the team's setting: a provider wrongly marked ZDR is what it
        // cannot catch, but one that stops being ZDR is refused by admission, so nothing non-ZDR is reached.
        #expect(Self.run(state, zero, .zdrOnly).passed)
        // Payments is not ZDR: selecting it fails, naming the provider.
        let payments = Self.run(KeySelector(teams: ["payments"]), .zdrOnly)
        #expect(!payments.passed)
        #expect(payments.failures.first?.message.contains("does not offer zero data retention") == true)
    }

    @Test func freeTeamsReachNoSystemCredential() {
        let free = KeySelector(tier: .free)
        #expect(Self.run(free, .noSystemCredential).passed)
        var state = AccessScenario.live()
        state.credentials.removeAll { $0.team == "research" }
        let result = Self.run(state, free, .noSystemCredential)
        #expect(result.failureCount == 2)
        #expect(result.failures.first?.message.hasPrefix("reaches anthropic through its system credential") == true)
    }

    @Test func everyKeyHasABudget() {
        #expect(Self.run(KeySelector(teams: ["payments", "legal", "platform"]), .budgeted).passed)
        let research = Self.run(KeySelector(teams: ["research"]), .budgeted)
        #expect(research.failureCount == 2)
        #expect(research.failures.first?.message.contains("has no budget, nor has team research") == true)
    }

    @Test func selectorsByGlobLabelAndTier() {
        let labelled = Self.run(KeySelector(labels: ["owner": "payments-eng"]), .budgeted)
        #expect(labelled.checked == 2)
        let glob = Self.run(KeySelector(keys: ["*/ci-*"]), .budgeted)
        #expect(glob.checked == 1)
        let none = Self.run(KeySelector(teams: ["no-such-*"]), .budgeted)
        #expect(!none.passed && none.failures.first?.message == "selects no key")
        let unknownModel = Self.run(KeySelector(), model: "nothing/*", .served(provider: nil, credential: nil))
        #expect(unknownModel.failures.first?.message == "model 'nothing/*' matches no served model")
    }
}
