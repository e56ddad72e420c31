import Foundation
import GatewayModel
import MockUpstream
import Testing

/// The failures users of hosted gateways hit, and what gatewayd answers instead, end to end:
/// manifests applied by gwctl, requests through a started gatewayd, explanations by gwctl.
@Suite("data plane (end to end)")
struct DataPlaneEndToEndTests {
    @Test func suspendedTeamGets403TeamSuspendedWithItsReasonAndExplainShowsTheSame() async throws {
        try await DataPlaneScenario.run { scenario in
            let response = try await scenario.call(
                "/v1/chat/completions", key: "growth/app", body: DataPlaneScenario.chat("acme/chat"))
            #expect(response.status == 403)
            #expect(response.json.path("error.code") as? String == "team_suspended")
            #expect(response.json.path("error.gateway.team") as? String == "growth")
            #expect(response.json.path("error.gateway.layer") as? String == "team")
            #expect((response.json.path("error.message") as? String)?.contains("chargeback review #4411") == true)
            #expect(response.headers["x-request-id"] == response.json.path("error.gateway.requestId") as? String)

            let explain = try scenario.explain(key: "growth/app", model: "acme/chat")
            #expect(explain.status == 2)
            #expect(explain.stdout.contains("Refused: 403 team_suspended at team"))
            #expect(explain.stdout.contains("chargeback review #4411"))
        }
    }

    @Test func keyOfTeamACallingAModelWhoseBYOKCredentialLivesInTeamBGetsNoCredential() async throws {
        try await DataPlaneScenario.run { scenario in
            let response = try await scenario.call(
                "/v1/chat/completions", key: "alpha/app", body: DataPlaneScenario.chat("anthropic/claude-x"))
            #expect(response.status == 403)
            #expect(response.json.path("error.code") as? String == "no_credential")
            #expect(response.json.path("error.gateway.team") as? String == "alpha")
            // Callers never learn about other teams' credentials…
            #expect(!((response.json.path("error.message") as? String) ?? "").contains("beta"))

            // …but the admin-side explanation names the likely intent.
            let explain = try scenario.explain(key: "alpha/app", model: "anthropic/claude-x")
            #expect(explain.status == 2)
            #expect(explain.stdout.contains("no_credential"))
            #expect(explain.stdout.contains("team 'beta' holds credential 'beta/claude-prod'"))
            #expect(scenario.upstreamA.received.isEmpty)
        }
    }

    @Test func teamWithZeroCreditsAndABYOKCredentialIsServedAndItsBalanceIsUnchanged() async throws {
        try await DataPlaneScenario.run { scenario in
            #expect(try await scenario.admin.credits(team: "beta").balanceMicroUSD == 0)
            // An OpenAI-format request to an Anthropic provider: translated both ways.
            let response = try await scenario.call(
                "/v1/chat/completions", key: "beta/app", body: DataPlaneScenario.chat("anthropic/claude-x", "ping"))
            #expect(response.status == 200, "\(response.json)")
            #expect(response.json.path("object") as? String == "chat.completion")
            let message = (response.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any]
            #expect(message?["content"] as? String == "Mock reply to: ping")
            #expect(response.headers["x-gateway-credential"] == "team-byok")
            // The upstream saw the team's own key on the Anthropic wire, never the gateway's.
            let received = scenario.upstreamA.received
            #expect(received.map(\.path) == ["/v1/messages"])
            #expect(received.first?.credential == DataPlaneScenario.betaBYOKSecret)

            #expect(try await scenario.admin.credits(team: "beta").balanceMicroUSD == 0)
            let usage = try await scenario.admin.usage(team: "beta")
            #expect(usage.count == 1)
            #expect(usage.first?.credentialKind == .teamBYOK)
            #expect(usage.first?.credentialName == "claude-prod")
            #expect((usage.first?.costMicroUSD ?? 0) > 0)
        }
    }

    @Test func whenTheFirstProviderAnswers500TheSecondServesAndTheUsageRecordNamesIt() async throws {
        try await DataPlaneScenario.run { scenario in
            _ = try await scenario.admin.grantCredits(team: "paying", CreditGrant(amountMicroUSD: 1_000_000))
            scenario.upstreamA.behaviour = MockUpstream.Behaviour(failStatus: 500)
            let response = try await scenario.call(
                "/v1/chat/completions", key: "paying/app", body: DataPlaneScenario.chat("acme/chat"))
            #expect(response.status == 200, "\(response.json)")
            #expect(response.headers["x-gateway-provider"] == "upstream-b")
            #expect(scenario.upstreamA.received.map(\.model) == ["chat-a"])
            #expect(scenario.upstreamB.received.map(\.credential) == [DataPlaneScenario.systemSecretB])
            let usage = try await scenario.admin.usage(team: "paying")
            #expect(usage.map(\.provider) == ["upstream-b"])
            let record = try #require(usage.first)
            #expect(record.credentialKind == .system)
            // System-credential spend is paid from credits.
            let cost = record.costMicroUSD
            let balance = try await scenario.admin.credits(team: "paying").balanceMicroUSD
            #expect(balance == 1_000_000 - cost)

            // gwctl usage reads the same records, here from the state file gatewayd serves.
            let report = try await scenario.gwctl.run(
                ["usage", "--state", "state.db", "--group-by", "provider", "--format", "csv"],
                directory: scenario.directory)
            #expect(report.status == 0, "\(report.stderr)")
            let dollars = String(format: "%.6f", Double(cost) / 1_000_000)
            #expect(
                report.stdout.split(separator: "\r\n").map(String.init) == [
                    "provider,requests,input_tokens,output_tokens,credits_usd,byok_usd",
                    "upstream-b,1,\(record.inputTokens),\(record.outputTokens),\(dollars),0.000000",
                ])
        }
    }

    @Test func creditsRunOutOnTheNextRequestAndAGrantIsServedAtOnce() async throws {
        try await DataPlaneScenario.run { scenario in
            // One micro-dollar: enough to admit one request, which costs more than that.
            _ = try await scenario.admin.grantCredits(team: "paying", CreditGrant(amountMicroUSD: 1))
            let first = try await scenario.call(
                "/v1/chat/completions", key: "paying/app", body: DataPlaneScenario.chat("acme/chat"))
            #expect(first.status == 200, "\(first.json)")
            // Refused by the very next request, though its usage may not be written yet.
            let second = try await scenario.call(
                "/v1/chat/completions", key: "paying/app", body: DataPlaneScenario.chat("acme/chat"))
            #expect(second.status == 402)
            #expect(second.json.path("error.code") as? String == "insufficient_credits")
            _ = try await scenario.admin.grantCredits(team: "paying", CreditGrant(amountMicroUSD: 1_000_000))
            let third = try await scenario.call(
                "/v1/chat/completions", key: "paying/app", body: DataPlaneScenario.chat("acme/chat"))
            #expect(third.status == 200, "\(third.json)")
            #expect(try await scenario.admin.usage(team: "paying").count == 2)
        }
    }

    @Test func aClientErrorFromTheFirstProviderIsNotRetriedElsewhere() async throws {
        try await DataPlaneScenario.run { scenario in
            _ = try await scenario.admin.grantCredits(team: "paying", CreditGrant(amountMicroUSD: 1_000_000))
            scenario.upstreamA.behaviour = MockUpstream.Behaviour(failStatus: 400)
            let response = try await scenario.call(
                "/v1/chat/completions", key: "paying/app", body: DataPlaneScenario.chat("acme/chat"))
            #expect(response.status == 400)
            #expect(response.json.path("error.code") as? String == "upstream_rejected")
            #expect(scenario.upstreamB.received.isEmpty)
        }
    }

    @Test func everyProviderFailingIs502AndStallingIs504() async throws {
        try await DataPlaneScenario.run { scenario in
            _ = try await scenario.admin.grantCredits(team: "paying", CreditGrant(amountMicroUSD: 1_000_000))
            scenario.upstreamA.behaviour = MockUpstream.Behaviour(failStatus: 503)
            scenario.upstreamB.behaviour = MockUpstream.Behaviour(failStatus: 500)
            let failing = try await scenario.call(
                "/v1/chat/completions", key: "paying/app", body: DataPlaneScenario.chat("acme/chat"))
            #expect(failing.status == 502)
            #expect(failing.json.path("error.code") as? String == "upstream_error")
            #expect(failing.json.path("error.gateway.layer") as? String == "upstream")

            scenario.upstreamA.behaviour = MockUpstream.Behaviour(stallSeconds: 8)
            scenario.upstreamB.behaviour = MockUpstream.Behaviour(stallSeconds: 8)
            let stalled = try await scenario.call(
                "/v1/chat/completions", key: "paying/app", body: DataPlaneScenario.chat("acme/chat"))
            #expect(stalled.status == 504)
            #expect(stalled.json.path("error.code") as? String == "upstream_timeout")
        }
    }

    @Test func aZeroRetentionTeamIsNeverRoutedToANonZDRProviderAndItsPromptIsNotKept() async throws {
        try await DataPlaneScenario.run { scenario in
            _ = try await scenario.admin.grantCredits(team: "legal", CreditGrant(amountMicroUSD: 1_000_000))
            let prompt = "privileged-memo-\(UUID().uuidString)"
            for _ in 0..<3 {
                let response = try await scenario.call(
                    "/v1/chat/completions", key: "legal/app", body: DataPlaneScenario.chat("acme/chat", prompt))
                #expect(response.status == 200, "\(response.json)")
                #expect(response.headers["x-gateway-provider"] == "upstream-b")
            }
            // upstream-a comes first in the route but does not offer ZDR.
            #expect(scenario.upstreamA.received.isEmpty)
            #expect(scenario.upstreamB.received.count == 3)
            let explain = try scenario.explain(key: "legal/app", model: "acme/chat")
            #expect(explain.stdout.contains("1. upstream-b"))
            #expect(!explain.stdout.contains("2. "))
            // Usage counts only: the prompt is nowhere in the state files.
            for file in try FileManager.default.contentsOfDirectory(atPath: scenario.directory.path)
            where file.hasPrefix("state.db") {
                let bytes = try Data(contentsOf: scenario.directory.appendingPathComponent(file))
                #expect(bytes.range(of: Data(prompt.utf8)) == nil, "\(file)")
            }
        }
    }

    @Test func aChangeAppliedWhileGatewaydRunsReachesTheDataPlane() async throws {
        try await DataPlaneScenario.run { scenario in
            let before = try await scenario.call(
                "/v1/chat/completions", key: "growth/app", body: DataPlaneScenario.chat("acme/chat"))
            #expect(before.status == 403)
            // Lift the suspension by rewriting the manifest, applied by gwctl straight to the state file.
            let path = scenario.directory.appendingPathComponent("gateway.yaml")
            let manifests = try String(contentsOf: path, encoding: .utf8)
                .replacingOccurrences(of: "  suspended: {reason: \"chargeback review #4411\"}\n", with: "")
            try manifests.write(to: path, atomically: true, encoding: .utf8)
            let apply = try await scenario.gwctl.run(
                ["apply", "gateway.yaml", "--state", "state.db", "--auto-approve"],
                environment: [
                    "SYSTEM_A": DataPlaneScenario.systemSecretA, "SYSTEM_B": DataPlaneScenario.systemSecretB,
                    "BETA_CLAUDE_KEY": DataPlaneScenario.betaBYOKSecret,
                ], directory: scenario.directory)
            #expect(apply.status == 0, "\(apply.stderr)")
            var status = 403
            for _ in 0..<40 where status == 403 {
                try await Task.sleep(for: .milliseconds(100))
                status = try await scenario.call(
                    "/v1/chat/completions", key: "growth/app", body: DataPlaneScenario.chat("acme/chat")
                ).status
            }
            // No longer suspended: the next layer speaks (growth has no credits).
            #expect(status == 402)
        }
    }

    @Test func anAnthropicClientReachesAnAzureDeploymentStreamedAndNot() async throws {
        try await DataPlaneScenario.run { scenario in
            _ = try await scenario.admin.grantCredits(team: "paying", CreditGrant(amountMicroUSD: 1_000_000))
            let body = #"{"model":"acme/azure-chat","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}"#
            let plain = try await scenario.call("/v1/messages", key: "paying/app", body: body)
            #expect(plain.status == 200, "\(plain.json)")
            #expect(plain.json["type"] as? String == "message")
            #expect(plain.json.path("usage.output_tokens") as? Int ?? 0 > 0)
            #expect(plain.headers["request-id"] != nil)
            let received = scenario.upstreamA.received
            #expect(received.map(\.path) == ["/openai/deployments/deployment-7/chat/completions"])
            #expect(received.first?.credential == DataPlaneScenario.systemSecretA)

            let streamed = try await scenario.raw(
                "/v1/messages", key: "paying/app",
                body:
                    #"{"model":"acme/azure-chat","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#
            )
            #expect(streamed.contains("event: message_start"))
            #expect(streamed.contains(#""text":"Mock ""#))
            #expect(streamed.hasSuffix("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"))
            // The stream's usage was accounted: two records, both paid from credits.
            let usage = try await scenario.admin.usage(team: "paying")
            #expect(usage.count == 2)
            #expect(usage.allSatisfy { $0.outputTokens > 0 && $0.provider == "azure" })
        }
    }

    @Test func anOpenAIStreamPassesThroughWithoutTheUsageChunkTheClientDidNotAskFor() async throws {
        try await DataPlaneScenario.run { scenario in
            _ = try await scenario.admin.grantCredits(team: "paying", CreditGrant(amountMicroUSD: 1_000_000))
            scenario.upstreamA.behaviour = MockUpstream.Behaviour(eventDelaySeconds: 0.01)
            let stream = try await scenario.raw(
                "/v1/chat/completions", key: "paying/app",
                body: #"{"model":"acme/chat","stream":true,"messages":[{"role":"user","content":"one two"}]}"#)
            #expect(stream.hasSuffix("data: [DONE]\n\n"))
            #expect(!stream.contains(#""usage""#))
            let usage = try await scenario.admin.usage(team: "paying")
            #expect(usage.first?.outputTokens ?? 0 > 0)
        }
    }

    @Test func auditShowsWhenAKeyWasLastUsedAndFailOnSetsTheExitCode() async throws {
        try await DataPlaneScenario.run { scenario in
            func lastUsed(_ key: String, in json: [String: Any]) -> String? {
                let keys = json["keys"] as? [[String: Any]] ?? []
                return keys.first { "\($0["team"] ?? "")/\($0["name"] ?? "")" == key }?["lastUsedAt"] as? String
            }
            let before = try scenario.audit()
            #expect(before.status == 0)
            #expect(lastUsed("beta/app", in: before.json) == nil)

            let response = try await scenario.call(
                "/v1/chat/completions", key: "beta/app", body: DataPlaneScenario.chat("anthropic/claude-x"))
            #expect(response.status == 200)
            // gatewayd writes last-use times in batches, every second. Polled through the admin
            // API, not by starting a gwctl per poll, to keep the load on the machine low.
            var seen: Timestamp?
            for _ in 0..<50 where seen == nil {
                try await Task.sleep(for: .milliseconds(100))
                seen = try await scenario.admin.state().apiKeys.first { $0.team == "beta" && $0.name == "app" }?
                    .lastUsedAt
            }
            let after = try scenario.audit()
            #expect(seen != nil && seen?.description == lastUsed("beta/app", in: after.json))
            #expect(lastUsed("alpha/app", in: after.json) == nil)

            // The scenario has warnings (keys without expiry are notices, alpha's BYOK-less claude…):
            // --fail-on decides whether they fail the run.
            let summary = after.json["summary"] as? [String: Any]
            let errors = summary?["errors"] as? Int ?? -1
            let warnings = summary?["warnings"] as? Int ?? -1
            #expect(try scenario.audit(["--fail-on", "error"]).status == (errors > 0 ? 2 : 0))
            #expect(try scenario.audit(["--fail-on", "warning"]).status == (errors + warnings > 0 ? 2 : 0))
            #expect(try scenario.audit(["--fail-on", "notice"]).status == 64)
        }
    }

    /// gatewayd writes one JSON line per request, with who asked, what was decided and how it was
    /// served, fields in a fixed order, under the id the caller was given, and no prompt or reply.
    @Test func everyRequestLeavesOneJSONLineWithItsDecisionAndNoContent() async throws {
        try await DataPlaneScenario.run { scenario in
            let served = try await scenario.call(
                "/v1/chat/completions", key: "beta/app",
                body: DataPlaneScenario.chat("anthropic/claude-x", "the secret recipe"))
            let refused = try await scenario.call(
                "/v1/chat/completions", key: "growth/app", body: DataPlaneScenario.chat("acme/chat"))
            #expect(served.status == 200 && refused.status == 403)
            // The line is written before the answer goes out; give the file a moment to show it.
            var lines: [String] = []
            for _ in 0..<50 {
                lines = scenario.server.output.split(separator: "\n").map(String.init)
                    .filter { $0.contains(#""msg":"served""#) || $0.contains(#""msg":"refused""#) }
                if lines.count >= 2 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(!scenario.server.output.contains("secret recipe"), "no prompt in the log")
            #expect(!scenario.server.output.contains("Mock reply"), "no reply in the log")

            func fields(_ line: String) throws -> (keys: [String], values: [String: Any]) {
                let values = try #require(
                    try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
                // Keys in the order written: every value here is a plain string without quotes.
                let keys = line.split(separator: "\"").enumerated().filter { $0.offset % 4 == 1 }.map {
                    String($0.element)
                }
                return (keys, values)
            }
            let servedLine = try #require(lines.first { $0.contains(#""msg":"served""#) })
            let (servedKeys, servedValues) = try fields(servedLine)
            #expect(
                servedKeys == [
                    "ts", "level", "label", "msg", "credential", "inputTokens", "key", "model", "ms", "outputTokens",
                    "provider", "requestId", "team",
                ], "\(servedLine)")
            #expect(servedValues["requestId"] as? String == served.headers["x-request-id"])
            #expect(servedValues["team"] as? String == "beta")
            #expect(servedValues["key"] as? String == "beta/app")
            #expect(servedValues["credential"] as? String == "team-byok")
            #expect(servedValues["level"] as? String == "info")
            #expect(Timestamp(rfc3339: servedValues["ts"] as? String ?? "") != nil)

            let refusedLine = try #require(lines.first { $0.contains(#""msg":"refused""#) })
            let (refusedKeys, refusedValues) = try fields(refusedLine)
            #expect(
                refusedKeys == [
                    "ts", "level", "label", "msg", "code", "key", "layer", "model", "ms", "requestId", "team",
                ],
                "\(refusedLine)")
            #expect(refusedValues["code"] as? String == "team_suspended")
            #expect(refusedValues["requestId"] as? String == refused.headers["x-request-id"])
        }
    }
}
