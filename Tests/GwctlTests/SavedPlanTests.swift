import Foundation
import TestSupport
import Testing

/// Saved plans in a GitOps flow: plan on the pull request, apply the saved file on merge.
@Suite("gwctl saved plans, diff and Markdown (end to end)")
struct SavedPlanTests {
    let e2e = ApplyCommandTests()

    func edit(_ directory: URL, _ file: String, _ old: String, _ new: String) throws {
        let url = directory.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func aSavedPlanIsRefusedWhenWhatItTouchesChangedAndAcceptedAfterAnUnrelatedChange() throws {
        let directory = try e2e.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try e2e.run(["apply", "acme", "--auto-approve", "--keys-out", "keys.json"], in: directory).status == 0)

        // The pull request: payments' budget goes up. Saved, not applied yet.
        let pr = directory.appendingPathComponent("pr")
        try FileManager.default.copyItem(at: directory.appendingPathComponent("acme"), to: pr)
        try edit(directory, "pr/teams/payments.yaml", "limitUSD: 500,", "limitUSD: 900,")
        let plan = try e2e.run(["plan", "pr", "-out", "plan.json"], in: directory)
        #expect(plan.status == 0, "\(plan.stderr)")
        let saved = try String(contentsOf: directory.appendingPathComponent("plan.json"), encoding: .utf8)
        for secret in Array(ApplyCommandTests.secretValues.values) + [ApplyCommandTests.fileSecret] {
            #expect(!saved.contains(secret))
        }

        // Someone else changes another team: unrelated, so the saved plan still applies.
        try edit(directory, "acme/teams/platform.yaml", "limitUSD: 1000,", "limitUSD: 1100,")
        #expect(try e2e.run(["apply", "acme", "--auto-approve"], in: directory).status == 0)
        let first = try e2e.run(["apply", "plan.json", "--auto-approve"], in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Apply complete: 0 created, 1 updated"))

        // A second saved plan, then someone changes payments itself: that plan is stale.
        try edit(directory, "pr/teams/payments.yaml", "limitUSD: 900,", "limitUSD: 950,")
        #expect(try e2e.run(["plan", "pr", "-out", "plan2.json"], in: directory).status == 0)
        try edit(directory, "acme/teams/payments.yaml", "limitUSD: 500,", "limitUSD: 600,")
        #expect(try e2e.run(["apply", "acme", "--auto-approve"], in: directory).status == 0)
        let stale = try e2e.run(["apply", "plan2.json", "--auto-approve"], in: directory)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("the plan is stale: 1 resource it touches changed since it was made"))
        #expect(stale.stderr.contains("team/payments: changed since revision"))
        #expect(stale.stderr.contains("Nothing was applied."))
    }

    @Test func aSavedPlanIsRefusedWhenASecretChangedSince() throws {
        let directory = try e2e.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try e2e.run(["plan", "acme", "-out", "plan.json"], in: directory).status == 0)
        var environment = ApplyCommandTests.secretValues
        environment["ACME_OPENAI_KEY"] = "sk-e2e-openai-someone-else"
        let apply = try e2e.run(
            ["apply", "plan.json", "--auto-approve", "--keys-out", "keys.json"], in: directory, environment: environment
        )
        #expect(apply.status == 1)
        #expect(
            apply.stderr.contains("provider/openai: the secret in env:ACME_OPENAI_KEY changed since the plan was made"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".gateway").path))
    }

    @Test func diffExitsTwoOnDriftAndMarkdownSummarises() throws {
        let directory = try e2e.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try e2e.run(["apply", "acme", "--auto-approve", "--keys-out", "keys.json"], in: directory).status == 0)
        let clean = try e2e.run(["diff", "acme"], in: directory)
        #expect(clean.status == 0)
        #expect(clean.stdout.hasPrefix("No drift"))
        try FileManager.default.removeItem(at: directory.appendingPathComponent("acme/teams/growth.yaml"))
        let drift = try e2e.run(["diff", "acme"], in: directory)
        #expect(drift.status == 2)
        #expect(drift.stdout.contains("- delete team/growth"))
        let markdown = try e2e.run(["plan", "acme", "--markdown"], in: directory)
        #expect(markdown.status == 0)
        #expect(markdown.stdout.contains("**Plan: 0 to create, 0 to update, 2 to delete, 0 to rotate.**"))
        #expect(markdown.stdout.contains("> This plan **deletes 2 resources**:"))
        #expect(markdown.stdout.contains("<details><summary>Details</summary>"))
    }
}
