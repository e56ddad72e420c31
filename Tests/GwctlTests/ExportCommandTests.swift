import Foundation
import TestSupport
import Testing

@Suite("gwctl export (end to end)")
struct ExportCommandTests {
    let e2e = ApplyCommandTests()

    @Test func exportThenPlanShowsNoChanges() throws {
        let directory = try e2e.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try e2e.run(["apply", "acme", "--auto-approve", "--keys-out", "keys.json"], in: directory).status == 0)

        let export = try e2e.run(["export", "exported"], in: directory)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("Wrote 8 files to exported: 5 teams, 8 keys."))
        #expect(export.stdout.contains("GWCTL_SECRET_PAYMENTS_AZURE_PROD"))
        let validate = try e2e.run(["validate", "exported"], in: directory)
        #expect(validate.status == 0, "\(validate.stderr)")

        let environment = [
            "GWCTL_SECRET_PROVIDER_OPENAI": ApplyCommandTests.secretValues["ACME_OPENAI_KEY"]!,
            "GWCTL_SECRET_PROVIDER_ANTHROPIC": ApplyCommandTests.secretValues["ACME_ANTHROPIC_KEY"]!,
            "GWCTL_SECRET_PAYMENTS_AZURE_PROD": ApplyCommandTests.secretValues["PAYMENTS_AZURE_OPENAI_KEY"]!,
            "GWCTL_SECRET_LEGAL_AZURE_LEGAL": ApplyCommandTests.secretValues["LEGAL_AZURE_OPENAI_KEY"]!,
            "GWCTL_SECRET_RESEARCH_ANTHROPIC_RESEARCH": ApplyCommandTests.fileSecret,
        ]
        let plan = try e2e.run(["plan", "exported", "--detailed-exitcode"], in: directory, environment: environment)
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("No changes."))
        let files = try FileManager.default.contentsOfDirectory(
            atPath: directory.appendingPathComponent("exported/teams").path)
        #expect(files.sorted() == ["growth.yaml", "legal.yaml", "payments.yaml", "platform.yaml", "research.yaml"])
        let payments = try String(
            contentsOf: directory.appendingPathComponent("exported/teams/payments.yaml"), encoding: .utf8)
        #expect(payments.contains("secret: {env: GWCTL_SECRET_PAYMENTS_AZURE_PROD}"))
        #expect(!payments.contains(ApplyCommandTests.secretValues["PAYMENTS_AZURE_OPENAI_KEY"]!))
    }
}
