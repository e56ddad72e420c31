import AdminAPI
import Foundation
import GatewayModel
import TestSupport
import Testing

/// Two pipelines applying saved plans to one gatewayd at the same moment: on overlapping
/// resources one wins and the other is refused as stale (no lost update); on disjoint resources
/// both land.
@Suite("Racing applies")
struct RacingAppliesTests {
    /// A copy of the manifests in `name/`, with the given teams' budgets.
    static func manifests(_ name: String, in gateway: LiveGatewayd, budgets: [String: Int]) throws {
        let copy = gateway.directory.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: gateway.directory.appendingPathComponent("acme"), to: copy)
        for (team, budget) in budgets {
            let file = copy.appendingPathComponent("teams/\(team).yaml")
            let text = try String(contentsOf: file, encoding: .utf8)
            // The team's own budget comes before its keys'.
            let range = try #require(
                text.range(of: #"budget: \{limitUSD: \d+, period: monthly\}"#, options: .regularExpression))
            try text.replacingCharacters(in: range, with: "budget: {limitUSD: \(budget), period: monthly}")
                .write(to: file, atomically: true, encoding: .utf8)
        }
    }

    /// Plans both copies, then applies both saved plans at once; returns the two results.
    static func race(
        _ first: String, _ second: String, in gateway: LiveGatewayd, environment: [String: String]
    ) async throws -> [BuiltProduct.Result] {
        let gwctl = BuiltProduct("gwctl")
        for name in [first, second] {
            let plan = try await gwctl.run(
                ["plan", name, "-out", "\(name).plan"], environment: environment, directory: gateway.directory)
            #expect(plan.status == 0, "\(plan.stderr)")
        }
        return try await withThrowingTaskGroup(of: BuiltProduct.Result.self) { group in
            for name in [first, second] {
                group.addTask {
                    try await gwctl.run(
                        ["apply", "\(name).plan", "--auto-approve"], environment: environment,
                        directory: gateway.directory)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func budget(of team: String, _ gateway: LiveGatewayd) async throws -> Double? {
        try await gateway.admin.state().teams.first { $0.metadata.name == team }?.budget?.limitUSD
    }

    @Test func overlappingAppliesOneWinsTheOtherIsStaleAndDisjointOnesBothLand() async throws {
        try await LiveGatewayd.with { gateway in
            let environment = gateway.gwctlEnvironment()
            let gwctl = BuiltProduct("gwctl")
            let setup = try await gwctl.run(
                ["apply", "acme", "--auto-approve", "--keys-out", "keys.json"], environment: environment,
                directory: gateway.directory)
            #expect(setup.status == 0, "\(setup.stderr)")

            for round in 0..<5 {
                // Both change team/payments: exactly one lands, the other names it as changed.
                try Self.manifests("a", in: gateway, budgets: ["payments": 600 + round])
                try Self.manifests("b", in: gateway, budgets: ["payments": 700 + round])
                let results = try await Self.race("a", "b", in: gateway, environment: environment)
                let winners = results.filter { $0.status == 0 }
                #expect(winners.count == 1, "round \(round): \(results.map(\.stderr))")
                let loser = try #require(results.first { $0.status != 0 })
                #expect(loser.stderr.contains("the plan is stale"), "\(loser.stderr)")
                #expect(loser.stderr.contains("team/payments: changed since revision"))
                #expect(loser.stderr.contains("Nothing was applied."))
                // No lost update: the state holds the winner's budget.
                let kept = try await Self.budget(of: "payments", gateway)
                let winnerBudget =
                    winners.first?.stdout.contains("→ \(600 + round)") == true ? 600 + round : 700 + round
                #expect(kept == Double(winnerBudget), "round \(round)")
            }
            for round in 0..<3 {
                // One changes team/payments, the other team/legal (each copy holds the other team as
                // it is now, so neither plan touches it): both land.
                let payments = Int(try #require(try await Self.budget(of: "payments", gateway)))
                let legal = Int(try #require(try await Self.budget(of: "legal", gateway)))
                try Self.manifests("a", in: gateway, budgets: ["payments": 800 + round, "legal": legal])
                try Self.manifests("b", in: gateway, budgets: ["payments": payments, "legal": 900 + round])
                let results = try await Self.race("a", "b", in: gateway, environment: environment)
                #expect(results.allSatisfy { $0.status == 0 }, "round \(round): \(results.map(\.stderr))")
                #expect(try await Self.budget(of: "payments", gateway) == Double(800 + round))
                #expect(try await Self.budget(of: "legal", gateway) == Double(900 + round))
            }
        }
    }
}
