import Foundation
import TestSupport
import Testing

/// `gwctl test`, and access tests stopping validate, plan and apply, end to end.
@Suite("gwctl test (end to end)")
struct AccessTestCommandTests {
    let e2e = ApplyCommandTests()

    /// Breaks the deny rule research-gets-no-opus relies on: it now names platform instead.
    func breakOpusRule(in directory: URL) throws {
        let rules = directory.appendingPathComponent("acme/rules.yaml")
        let text = try String(contentsOf: rules, encoding: .utf8)
        try text.replacingOccurrences(of: "teams: [research]", with: "teams: [platform]")
            .write(to: rules, atomically: true, encoding: .utf8)
    }

    @Test func theExampleTestsPassAgainstTheManifestsAndTheAppliedGateway() throws {
        let directory = try e2e.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let desired = try e2e.run(["test", "acme"], in: directory)
        #expect(desired.status == 0, "\(desired.stdout)\(desired.stderr)")
        #expect(desired.stdout.contains("5 passed, 0 failed."))
        #expect(desired.stdout.contains("PASS  checkout-pays-through-azure-byok (1 checked)"))

        // Nothing deployed yet: the live gateway has no keys, so every test selects none.
        let empty = try e2e.run(["test", "acme", "--live"], in: directory)
        #expect(empty.status == 1)
        #expect(empty.stdout.contains("selects no key"))

        let apply = try e2e.run(["apply", "acme", "--auto-approve", "--keys-out", "keys.json"], in: directory)
        #expect(apply.status == 0, "\(apply.stderr)")
        let live = try e2e.run(["test", "acme", "--live"], in: directory)
        #expect(live.status == 0, "\(live.stdout)\(live.stderr)")
        #expect(live.stdout.contains("Access tests against embedded state"))
    }

    @Test func aFailingTestStopsValidatePlanAndApplyAndNothingIsApplied() throws {
        let directory = try e2e.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        try breakOpusRule(in: directory)

        let test = try e2e.run(["test", "acme"], in: directory)
        #expect(test.status == 1)
        #expect(test.stdout.contains("FAIL  research-gets-no-opus: 2 of 2 checks failed"))
        // The failure carries its decision trace.
        #expect(
            test.stdout.contains(
                "key research/notebooks asking for anthropic/claude-opus-4.6: served by anthropic through team-byok, expected refused with model_denied"
            ))
        #expect(test.stdout.contains("pass    credential"))

        let validate = try e2e.run(["validate", "acme"], in: directory)
        #expect(validate.status == 1)
        #expect(
            validate.stderr.contains("acme/access-tests.yaml:22:3: error: access test 'research-gets-no-opus' failed"))
        for command in [["plan", "acme"], ["apply", "acme", "--auto-approve"]] {
            let result = try e2e.run(command, in: directory)
            #expect(result.status == 1, "\(command)")
            #expect(result.stderr.contains("access test 'research-gets-no-opus' failed"))
            #expect(!result.stdout.contains("Apply complete"))
        }
        // Nothing was applied: the embedded state holds nothing.
        let live = try e2e.run(["test", "acme", "--live"], in: directory)
        #expect(live.stdout.contains("selects no key"))
    }

    @Test func testRefusesTargetOptionsWithoutLive() throws {
        let directory = try e2e.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try e2e.run(["test", "acme", "--gateway", "http://127.0.0.1:1"], in: directory)
        #expect(result.status != 0)
        #expect(result.stderr.contains("add --live"))
    }
}
