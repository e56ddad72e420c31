import Foundation
import TestSupport
import Testing

/// Every command's failures that are not usage errors print the same way: one `error: …` line on
/// standard error, nothing on standard output, exit status 1.
@Suite("gwctl failures (end to end)")
struct CommandFailureTests {
    let e2e = ApplyCommandTests()

    @Test func failuresAreOneErrorLineAndExitOne() throws {
        let directory = try e2e.workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let explain = try e2e.run(["explain", "--key", "payments/checkout", "--model", "gpt-4o"], in: directory)
        #expect(explain.status == 1)
        #expect(explain.stdout.isEmpty)
        #expect(explain.stderr.hasPrefix("error: ") && explain.stderr.hasSuffix("apply manifests first\n"))
        #expect(explain.stderr.split(separator: "\n").count == 1)

        let apply = try e2e.run(["apply", "acme", "--auto-approve", "--keys-out", "keys.json"], in: directory)
        #expect(apply.status == 0, "\(apply.stderr)")
        let audit = try e2e.run(["audit", "--team", "nobody"], in: directory)
        #expect(audit.status == 1)
        #expect(audit.stderr.hasPrefix("error: --team nobody: no such team at "))
        #expect(audit.stderr.split(separator: "\n").count == 1)

        // Usage errors stay argument-parser's: the message and the usage line, exit 64.
        let usage = try e2e.run(["usage", "--since", "yesterday"], in: directory)
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("Usage: gwctl usage"))
    }
}
