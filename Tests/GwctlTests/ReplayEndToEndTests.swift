import Foundation
import GatewayModel
import Testing

/// `gwctl plan --replay`: traffic served by the built gatewayd, a manifest change, and the
/// replay's counts, through the admin API and on the embedded state.
@Suite("Replay end to end")
struct ReplayEndToEndTests {
    static let secrets = [
        "SYSTEM_A": DataPlaneScenario.systemSecretA, "SYSTEM_B": DataPlaneScenario.systemSecretB,
        "BETA_CLAUDE_KEY": DataPlaneScenario.betaBYOKSecret,
    ]

    @Test func servedTrafficIsDecidedAgainUnderTheChangedManifests() async throws {
        try await DataPlaneScenario.run { scenario in
            for team in ["paying", "alpha"] {
                _ = try await scenario.admin.grantCredits(team: team, CreditGrant(amountMicroUSD: 10_000_000))
            }
            for (key, model, times) in [
                ("paying/app", "acme/chat", 3), ("alpha/app", "acme/chat", 2), ("beta/app", "anthropic/claude-x", 1),
            ] {
                for _ in 0..<times {
                    let served = try await scenario.call(
                        "/v1/chat/completions", key: key, body: DataPlaneScenario.chat(model))
                    #expect(served.status == 200, "\(served.json)")
                }
            }
            let usage = try await scenario.admin.usage(team: nil)
            #expect(usage.count == 6)
            #expect(usage.allSatisfy { $0.requestedModel == $0.model && $0.endpoint == .chat })

            // The pull request: paying may only use the Azure model; acme/chat now prefers upstream-b.
            let path = scenario.directory.appendingPathComponent("gateway.yaml")
            let edited = try String(contentsOf: path, encoding: .utf8)
                .replacingOccurrences(
                    of: "metadata: {name: paying}\nspec:\n  tier: paid\n",
                    with: "metadata: {name: paying}\nspec:\n  tier: paid\n  models: [acme/azure-chat]\n"
                )
                .replacingOccurrences(
                    of: "route: {providers: [upstream-a, upstream-b]}",
                    with: "route: {providers: [upstream-b, upstream-a]}")
            try edited.write(to: path, atomically: true, encoding: .utf8)

            let token = try String(
                contentsOf: scenario.directory.appendingPathComponent("admin-token"), encoding: .utf8)
            var environment = Self.secrets
            environment["GWCTL_TOKEN"] = token.trimmingCharacters(in: .whitespacesAndNewlines)
            let remote = try await scenario.gwctl.run(
                ["plan", "gateway.yaml", "--gateway", "http://127.0.0.1:\(scenario.port)", "--replay", "1h", "--json"],
                environment: environment, directory: scenario.directory)
            #expect(remote.status == 0, "\(remote.stderr)")
            let plan = try JSONSerialization.jsonObject(with: Data(remote.stdout.utf8)) as? [String: Any] ?? [:]
            let replay = try #require(plan["replay"] as? [String: Any], "\(remote.stdout)")
            #expect(replay["window"] as? String == "1h")
            #expect(replay["requests"] as? Int == 6)
            #expect(replay["groups"] as? Int == 3)
            // A rule changes: every key can be affected.
            #expect(replay["decided"] as? Int == 6)
            #expect(replay["refused"] as? Int == 3)
            #expect(replay["moved"] as? Int == 2)
            #expect(replay["restored"] as? Int == 0)
            #expect(replay["drifted"] as? Int == 0)
            let byCode = replay["refusalsByCode"] as? [[String: Any]] ?? []
            #expect(byCode.map { "\($0["name"] ?? "") \($0["requests"] ?? "")" } == ["model_not_allowed 3"])
            let byKey = replay["refusalsByKey"] as? [[String: Any]] ?? []
            #expect(byKey.map { $0["key"] as? String } == ["paying/app"])
            #expect(byKey.first?["models"] as? [String] == ["acme/chat"])
            let moves = replay["moves"] as? [[String: Any]] ?? []
            #expect(moves.count == 1)
            #expect(moves.first?["fromProvider"] as? String == "upstream-a")
            #expect(moves.first?["toProvider"] as? String == "upstream-b")
            #expect(moves.first?["requests"] as? Int == 2)
            #expect(moves.first?["examples"] as? [String] == ["alpha/app"])

            // Spend at the planned prices, from the recorded tokens: paying's credits spend goes,
            // alpha's stays (upstream-b has upstream-a's prices), beta's BYOK spend is untouched.
            func tokens(_ team: String) -> (Int, Int) {
                let records = usage.filter { $0.team == team }
                return (records.map(\.inputTokens).reduce(0, +), records.map(\.outputTokens).reduce(0, +))
            }
            let (payingIn, payingOut) = tokens("paying")
            let (alphaIn, alphaOut) = tokens("alpha")
            let (betaIn, betaOut) = tokens("beta")
            let spend = replay["spend"] as? [String: Any] ?? [:]
            #expect(spend["creditsBeforeMicroUSD"] as? Int == payingIn + payingOut + alphaIn + alphaOut)
            #expect(spend["creditsAfterMicroUSD"] as? Int == alphaIn + alphaOut)
            #expect(spend["byokBeforeMicroUSD"] as? Int == 3 * betaIn + 15 * betaOut)
            #expect(spend["byokAfterMicroUSD"] as? Int == 3 * betaIn + 15 * betaOut)

            // The same replay on the state file gatewayd serves, as text.
            let local = try await scenario.gwctl.run(
                ["plan", "gateway.yaml", "--state", "state.db", "--replay", "1h"],
                environment: Self.secrets, directory: scenario.directory)
            #expect(local.status == 0, "\(local.stderr)")
            #expect(local.stdout.contains("Replay of the last 1h"))
            #expect(
                local.stdout.contains(
                    "6 requests in 3 groups; the 6 of keys the plan can affect decided again under the planned state"))
            #expect(local.stdout.contains("- 3 requests would now be refused: model_not_allowed 3"))
            #expect(
                local.stdout.contains(
                    "~ 2 requests move from upstream-a (system credential (credits)) to upstream-b (system credential (credits)), 1 key: alpha/app"
                ))

            let bad = try await scenario.gwctl.run(
                ["plan", "gateway.yaml", "--state", "state.db", "--replay", "a week"],
                environment: Self.secrets, directory: scenario.directory)
            #expect(bad.status == 64)
            #expect(bad.stderr.contains("--replay must look like 7d"))
        }
    }
}
