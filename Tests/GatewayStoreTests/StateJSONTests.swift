import Foundation
import GatewayModel
import GatewayStore
import StoreFixtures
import Testing

@Suite("State JSON")
struct StateJSONTests {
    @Test func theSplicedStateDecodesToExactlyTheStoredState() async throws {
        let fixture = try ScratchStore()
        defer { fixture.cleanup() }
        var rule = Sample.rule("route-mock")
        rule.action = .route(providers: ["mock"], fallbackModels: [])
        _ = try await fixture.store.apply(
            Changeset(
                operations: [
                    Sample.create(provider: Sample.provider(), secret: "sys"), Sample.policy,
                    Sample.create(provider: Sample.provider("second", models: ["mock/echo", "mock/large"])),
                    Sample.create(team: Sample.team("payments", providers: ["mock"])),
                    Sample.create(team: Sample.team("legal")),
                    Sample.create(credential: Sample.credential("payments", "byok"), secret: "byok"),
                    Sample.create(key: Sample.key("payments", "checkout")),
                    Sample.create(key: Sample.key("legal", "review")),
                    Sample.create(rule: rule), Sample.create(rule: Sample.rule("deny-old", keys: ["legal/review"])),
                ], managedBy: ManagedBy.gwctl), actor: "test")
        let spliced = try await fixture.store.stateJSON()
        let decoded = try JSONDecoder().decode(GatewayState.self, from: Data(spliced))
        let state = try await fixture.store.state()
        #expect(decoded == state)
        #expect(decoded.resourceCount == 10)
    }

    @Test func anEmptyStateIsValidJSON() async throws {
        let fixture = try ScratchStore()
        defer { fixture.cleanup() }
        let decoded = try JSONDecoder().decode(GatewayState.self, from: Data(try await fixture.store.stateJSON()))
        #expect(decoded == GatewayState())
    }
}
