import Foundation
import GatewayModel
import GatewayPlan
import GatewayStore
import ManifestKit
import Testing

@Suite("Planner")
struct PlannerTests {
    @Test func acmeAppliesToAnEmptyGatewayAndThenPlansNoChanges() async throws {
        let harness = try PlanHarness()
        defer { harness.cleanup() }
        let desired = try PlanHarness.acme()
        let first = try await harness.plan(desired)
        #expect(first.errors.isEmpty)
        #expect(first.summary.create == 4 + 1 + 5 + 3 + 8 + 4)
        #expect(first.summary.update + first.summary.delete + first.summary.rotate == 0)
        #expect(first.keysToMint == 8)
        let result = try await harness.apply(first, secrets: desired.secrets)
        #expect(result.results.compactMap(\.secret).count == 8)

        let second = try await harness.plan(desired)
        #expect(!second.hasChanges, "phantom diff: \(second.actions.map(\.target))")
        #expect(second.unmanaged.isEmpty)
    }

    @Test func anEditedManifestPlansExactlyThatChange() async throws {
        let harness = try PlanHarness()
        defer { harness.cleanup() }
        var desired = try PlanHarness.acme()
        try await harness.apply(try await harness.plan(desired), secrets: desired.secrets)

        let index = try #require(desired.teams.firstIndex { $0.metadata.name == "payments" })
        desired.teams[index].budget = Budget(limitUSD: 750, period: .monthly)
        let keyIndex = try #require(desired.apiKeys.firstIndex { $0.team == "platform" && $0.name == "ci-smoke" })
        desired.apiKeys[keyIndex].rotation = 2
        desired.secrets[.credential(team: "legal", name: "azure-legal")] = "az-legal-0002"
        let plan = try await harness.plan(desired)
        #expect(plan.summary.update == 2 && plan.summary.rotate == 1 && plan.actions.count == 3)
        let team = try #require(plan.actions.first { $0.target == .team("payments") })
        #expect(team.changes == [FieldChange(path: "budget.limitUSD", before: "500", after: "750")])
        let credential = try #require(plan.actions.first { $0.target.kind == .credential })
        #expect(credential.secret == .changed && credential.changes.isEmpty)
        let rotation = try #require(plan.actions.first { $0.action == .rotate })
        #expect(rotation.changes == [FieldChange(path: "rotation", before: "1", after: "2")])

        try await harness.apply(plan, secrets: desired.secrets)
        #expect(!(try await harness.plan(desired)).hasChanges)
    }

    @Test func unmanagedResourcesSurviveAndProtectedOnesCannotBeDeleted() async throws {
        let harness = try PlanHarness()
        defer { harness.cleanup() }
        let desired = try PlanHarness.acme()
        try await harness.apply(try await harness.plan(desired), secrets: desired.secrets)
        _ = try await harness.store.apply(
            Changeset(operations: [
                ChangeOperation(
                    op: .create, target: .apiKey(team: "research", name: "manual-test"),
                    payload: .apiKey(APIKeyRecord(team: "research", name: "manual-test")))
            ]), actor: "someone")

        var smaller = desired
        smaller.teams.removeAll { $0.metadata.name == "legal" || $0.metadata.name == "growth" }
        smaller.apiKeys.removeAll { $0.team == "legal" || $0.team == "growth" }
        smaller.credentials.removeAll { $0.team == "legal" }
        let plan = try await harness.plan(smaller)
        #expect(plan.unmanaged == [.apiKey(team: "research", name: "manual-test")])
        #expect(plan.actions.allSatisfy { $0.action == .delete })
        #expect(Set(plan.actions.map(\.target)).contains(.team("growth")))
        #expect(
            plan.errors == [
                "team/legal is protected (metadata.protected: true) and cannot be deleted; remove the flag first"
            ])
        // Children go before their team.
        let order = plan.actions.map(\.target)
        #expect(
            order.firstIndex(of: .apiKey(team: "growth", name: "copywriter"))! < order.firstIndex(of: .team("growth"))!)

        let limited = Planner(options: .init(maxDeletes: 2)).plan(
            desired: smaller, actual: try await harness.store.state(), target: "test")
        #expect(limited.errors.contains("the plan deletes 5 resources, more than --max-deletes 2"))
    }

    @Test func movingAKeyBetweenTeamsIsRevokeAndMintInWords() async throws {
        let harness = try PlanHarness()
        defer { harness.cleanup() }
        var desired = try PlanHarness.acme()
        try await harness.apply(try await harness.plan(desired), secrets: desired.secrets)
        let index = try #require(desired.apiKeys.firstIndex { $0.name == "fraud-scoring" })
        desired.apiKeys[index].team = "platform"
        let plan = try await harness.plan(desired)
        #expect(plan.summary.create == 1 && plan.summary.delete == 1)
        for action in plan.actions {
            #expect(action.notes.contains { $0.contains("moves from team payments to team platform") })
        }
        try await harness.apply(plan, secrets: desired.secrets)
        #expect(!(try await harness.plan(desired)).hasChanges)
    }

    @Test func teamFilterPlansOnlyThoseTeams() async throws {
        let harness = try PlanHarness()
        defer { harness.cleanup() }
        let desired = try PlanHarness.acme()
        let plan = try await harness.plan(desired, options: .init(teams: ["payments"]))
        #expect(
            Set(plan.actions.map { $0.target.kind == .team ? $0.target.name : $0.target.team ?? "" }) == ["payments"])
    }
}
