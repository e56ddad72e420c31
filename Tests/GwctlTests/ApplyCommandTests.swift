import Foundation
import TestSupport
import Testing

/// `gwctl plan` and `gwctl apply` end to end, on the embedded state and against a live gatewayd.
@Suite("gwctl plan and apply (end to end)")
struct ApplyCommandTests {
    let gwctl = BuiltProduct("gwctl")
    static let secretValues = [
        "ACME_OPENAI_KEY": "sk-e2e-openai-5d1f", "ACME_ANTHROPIC_KEY": "sk-e2e-anthropic-77c2",
        "PAYMENTS_AZURE_OPENAI_KEY": "az-e2e-payments-90aa", "LEGAL_AZURE_OPENAI_KEY": "az-e2e-legal-31b4",
    ]
    static let fileSecret = "sk-e2e-research-c0de"

    /// A scratch copy of examples/acme with its file secret (acme/secrets/, beside the manifests).
    func workspace() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwctl-e2e-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: PackageRoot.url.appendingPathComponent("examples/acme"), to: directory.appendingPathComponent("acme"))
        let secrets = directory.appendingPathComponent("acme/secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        try (Self.fileSecret + "\n").write(
            to: secrets.appendingPathComponent("research-anthropic.key"), atomically: true, encoding: .utf8)
        return directory
    }

    func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = secretValues
    ) throws
        -> BuiltProduct.Result
    {
        try gwctl.run(arguments, environment: environment, directory: directory)
    }

    @Test func applyThenPlanAgainShowsNoChangesAndNoSecretLeaks() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let apply = try run(["apply", "acme", "--auto-approve", "--keys-out", "keys.json"], in: directory)
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("Plan: 25 to create, 0 to update, 0 to delete, 0 to rotate."))
        #expect(apply.stdout.contains("Apply complete: 25 created"))
        let keysFile = directory.appendingPathComponent("keys.json").path
        let mode = try FileManager.default.attributesOfItem(atPath: keysFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let keys =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: keysFile))) as? [String: Any]
        let minted = (keys?["keys"] as? [[String: Any]])?.compactMap { $0["secret"] as? String } ?? []
        #expect(minted.count == 8)

        let plan = try run(["plan", "acme", "--detailed-exitcode"], in: directory)
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("No changes."))
        let json = try run(["plan", "acme", "--json"], in: directory)
        #expect(json.status == 0)

        for output in [apply.stdout, apply.stderr, plan.stdout, plan.stderr, json.stdout] {
            for secret in Array(Self.secretValues.values) + [Self.fileSecret] + minted {
                #expect(!output.contains(secret), "a secret reached the output")
            }
        }
    }

    @Test func anEditIsPlannedFieldByFieldWithExitCodeTwo() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try run(["apply", "acme", "--auto-approve", "--keys-out", "keys.json"], in: directory).status == 0)
        let payments = directory.appendingPathComponent("acme/teams/payments.yaml")
        let edited = try String(contentsOf: payments, encoding: .utf8)
            .replacingOccurrences(
                of: "budget: {limitUSD: 500, period: monthly}", with: "budget: {limitUSD: 750, period: monthly}")
        try edited.write(to: payments, atomically: true, encoding: .utf8)
        var environment = Self.secretValues
        environment["LEGAL_AZURE_OPENAI_KEY"] = "az-e2e-legal-rotated"
        let plan = try run(["plan", "acme", "--detailed-exitcode"], in: directory, environment: environment)
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("~ update team/payments\n      budget.limitUSD: 500 → 750\n"))
        // Where the new secret comes from, never its value.
        #expect(
            plan.stdout.contains(
                "~ update credential/legal/azure-legal\n      secret: (secret changed) from env:LEGAL_AZURE_OPENAI_KEY\n"
            ))
        #expect(plan.stdout.contains("Plan: 0 to create, 2 to update, 0 to delete, 0 to rotate."))
        #expect(!plan.stdout.contains("az-e2e-legal-rotated"))
    }

    @Test func nonInteractiveApplyThatMintsKeysRefusesBeforeChangingAnything() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let apply = try run(["apply", "acme", "--auto-approve"], in: directory)
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("pass --keys-out FILE"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".gateway").path))
    }

    @Test func anUnsetSecretIsAnErrorAtItsManifestPosition() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        var environment = Self.secretValues
        environment.removeValue(forKey: "PAYMENTS_AZURE_OPENAI_KEY")
        let plan = try run(["plan", "acme"], in: directory, environment: environment)
        #expect(plan.status == 1)
        #expect(
            plan.stderr.contains(
                "acme/teams/payments.yaml:19:15: error: credential/payments/azure-prod: environment variable PAYMENTS_AZURE_OPENAI_KEY is not set"
            ))
    }

    @Test func appliesToALiveGatewaydOverHTTP() async throws {
        try await LiveGatewayd.with { gateway in
            let environment = gateway.gwctlEnvironment()
            let apply = try run(
                ["apply", "acme", "--auto-approve", "--keys-out", "keys.json"], in: gateway.directory,
                environment: environment)
            #expect(apply.status == 0, "\(apply.stderr)")
            #expect(apply.stdout.contains("Target: gatewayd at \(gateway.url)"))
            let plan = try run(
                ["plan", "acme", "--detailed-exitcode"], in: gateway.directory, environment: environment)
            #expect(plan.status == 0, "\(plan.stdout)")
            #expect(!gateway.server.output.contains(Self.fileSecret))
        }
    }
}
