import GatewayModel
import GatewayStore
import StoreFixtures
import Testing

@Suite("Usage and credits")
struct UsageTests {
    @Test func systemSpendDebitsCreditsAndBYOKSpendDoesNot() async throws {
        let fixture = try ScratchStore()
        defer { fixture.cleanup() }
        let store = fixture.store
        _ = try await store.apply(Changeset(operations: [Sample.create(team: Sample.team("research"))]), actor: "test")
        _ = try await store.grantCredits(team: "research", CreditGrant(amountMicroUSD: 0), actor: "test")
        let revision = try await store.revision()
        try await store.recordUsage(
            UsageRecord(
                requestID: "req-1", team: "research", key: "notebooks", model: "anthropic/claude-sonnet-4.6",
                provider: "anthropic", credentialKind: .teamBYOK, credentialName: "anthropic-research",
                inputTokens: 1200, outputTokens: 300, costMicroUSD: 8_100))
        try await store.recordUsage(
            UsageRecord(
                requestID: "req-2", team: "research", key: "notebooks", model: "mock/echo", provider: "mock",
                credentialKind: .system, inputTokens: 10, outputTokens: 10, costMicroUSD: 2_000))
        #expect(try await store.credits(team: "research")?.balanceMicroUSD == -2_000)
        #expect(try await store.revision() == revision)
        let records = try await store.usage(since: Timestamp(seconds: 0), team: "research")
        #expect(records.map(\.requestID) == ["req-1", "req-2"])
        #expect(records.first?.credentialKind == .teamBYOK && records.first?.inputTokens == 1200)
        #expect(try await store.usage(since: Timestamp(seconds: 0), team: "payments").isEmpty)
    }
}
