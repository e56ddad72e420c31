import Foundation
import GatewayModel
import GatewayPlan
import TestSupport
import Testing

/// The exact plan a reviewer sees for a typical pull request, in all three formats.
@Suite("Plan golden files")
struct PlanGoldenTests {
    static let goldens = "Tests/GatewayPlanTests/Goldens"

    /// acme applied, then edited: a budget raised, a key rotated, a secret changed, a key moved,
    /// a team removed, a rule added.
    static func editedPlan() async throws -> Plan {
        let harness = try PlanHarness()
        defer { harness.cleanup() }
        var desired = try PlanHarness.acme()
        try await harness.apply(try await harness.plan(desired), secrets: desired.secrets)
        let team = try #require(desired.teams.firstIndex { $0.metadata.name == "payments" })
        desired.teams[team].budget = Budget(limitUSD: 750, period: .monthly)
        let smoke = try #require(desired.apiKeys.firstIndex { $0.name == "ci-smoke" })
        desired.apiKeys[smoke].rotation = 2
        desired.secrets[.credential(team: "legal", name: "azure-legal")] = "az-legal-rotated"
        let fraud = try #require(desired.apiKeys.firstIndex { $0.name == "fraud-scoring" })
        desired.apiKeys[fraud].team = "platform"
        desired.teams.removeAll { $0.metadata.name == "growth" }
        desired.apiKeys.removeAll { $0.team == "growth" }
        desired.rules.append(
            RuleRecord(
                metadata: ResourceMetadata(name: "no-embeddings-for-research"), priority: 15,
                match: RuleMatch(models: ["openai/text-embedding-*"], teams: ["research"]),
                action: .deny(message: "embeddings go through the platform team")))
        return Planner().plan(
            desired: desired, actual: try await harness.store.state(), target: "embedded state (golden)")
    }

    @Test func textJSONAndMarkdownMatchTheirGoldens() async throws {
        let plan = try await Self.editedPlan()
        #expect(plan.summary.description == "Plan: 2 to create, 2 to update, 3 to delete, 1 to rotate.")
        let outputs = [
            ("plan.txt", PlanRenderer.text(plan)), ("plan.json", try PlanRenderer.json(plan)),
            ("plan.md", MarkdownRenderer.markdown(plan)),
        ]
        for (name, actual) in outputs {
            let path = "\(Self.goldens)/\(name)"
            #expect(
                actual == (try Golden.expected(path, actual: actual)),
                "\(path) differs; run with GWCTL_UPDATE_GOLDENS=1 to review")
            #expect(!actual.contains("az-legal-rotated") && !actual.contains("az-legal-0001"))
        }
    }
}
