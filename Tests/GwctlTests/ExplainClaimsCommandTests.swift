import Foundation
import TestSupport
import Testing

/// `gwctl explain --claims` and `gwctl audit` on examples/workload-identity, applied to an
/// embedded state: which identity a claims set maps to, and identities listed with their issuer.
@Suite("Explain by claims")
struct ExplainClaimsCommandTests {
    @Test func claimsMapToTheFirstMatchingIdentityOrSayWhichClaimsWereChecked() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("explain-claims-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let gwctl = BuiltProduct("gwctl")
        let example = PackageRoot.path("examples/workload-identity")
        let state = directory.appendingPathComponent("state.db").path
        let apply = try await gwctl.run(
            [
                "apply", example, "--state", state, "--auto-approve", "--keys-out",
                directory.appendingPathComponent("k.json").path,
            ])
        #expect(apply.status == 0, "\(apply.stderr)")

        let production = try await gwctl.run([
            "explain", "--claims", example + "/claims/checkout-production.json", "--model", "mock/echo", "--state",
            state,
        ])
        #expect(production.status == 0, "\(production.stdout)\(production.stderr)")
        #expect(production.stdout.contains("key payments/checkout-prod asks for mock/echo"))
        #expect(
            production.stdout.contains(
                "Issuer 'github-actions' identities[0] matched (environment=production, repository=acme/checkout)"))
        // The identity's own allowlist (mock/echo only) narrows the team's, as a key's does.
        let large = try await gwctl.run([
            "explain", "--claims", example + "/claims/checkout-production.json", "--model", "mock/large", "--state",
            state,
        ])
        #expect(large.status == 2)
        #expect(large.stdout.contains("key 'payments/checkout-prod' does not allow model 'mock/large'"))

        let staging = try await gwctl.run([
            "explain", "--claims", example + "/claims/checkout-staging.json", "--model", "mock/echo", "--state", state,
            "--format", "json",
        ])
        #expect(staging.status == 2)
        #expect(staging.stdout.contains(#""code" : "invalid_token""#))
        #expect(staging.stdout.contains("environment=staging, ref=(absent), repository=acme/checkout"))

        let both = try await gwctl.run([
            "explain", "--claims", "x.json", "--key", "payments/local-dev", "--model", "mock/echo", "--state", state,
        ])
        #expect(both.status == 64)
        #expect(both.stderr.contains("give exactly one of --key and --claims"))

        let audit = try await gwctl.run(["audit", "--state", state])
        #expect(audit.stdout.contains("payments/checkout-prod  oidc:github-actions"), "\(audit.stdout)")
        #expect(audit.stdout.contains("payments/ledger-worker  oidc:cluster"))
        #expect(!audit.stdout.contains("never expires"))
    }
}
