import Foundation
import TestSupport
import Testing

/// `--env`, `render` and `validate --env all` on examples/environments, run as users run them:
/// from the project folder, with the built gwctl.
@Suite("Environments (end to end)")
struct EnvironmentCommandTests {
    let gwctl = BuiltProduct("gwctl")
    static let secrets = [
        "OPENAI_KEY": "sk-env-openai", "PAYMENTS_AZURE_KEY": "az-staging", "PROD_PAYMENTS_AZURE_KEY": "az-prod",
    ]

    /// A copy of examples/environments, so states written by a test stay out of the repository.
    func project() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwctl-env-\(UUID())")
        try FileManager.default.copyItem(
            at: PackageRoot.url.appendingPathComponent("examples/environments"), to: directory)
        return directory
    }

    @Test func everyEnvironmentValidatesAndRendersItsOverlaysAndVariables() throws {
        let directory = try project()
        defer { try? FileManager.default.removeItem(at: directory) }
        let all = try gwctl.run(["validate", "--env", "all"], directory: directory)
        #expect(all.status == 0, "\(all.stdout)\(all.stderr)")
        #expect(all.stdout.contains("== environment staging\nvalid: 2 providers, 1 team (2 keys, 1 BYOK credential)"))
        #expect(all.stdout.contains("== environment production\nvalid: 2 providers, 1 team (1 key, 1 BYOK credential)"))

        // From a folder below the project file, as git finds .git.
        let production = try gwctl.run(
            ["render", "--env", "production"], directory: directory.appendingPathComponent("base"))
        #expect(production.status == 0, "\(production.stderr)")
        #expect(production.stdout.contains("secret: {env: PROD_PAYMENTS_AZURE_KEY}"))
        #expect(production.stdout.contains("limitUSD: 750"))
        #expect(
            production.stdout.contains("baseURL: \"https://api.openai.com/v1\"")
                || production.stdout.contains("baseURL: https://api.openai.com/v1"))
        #expect(production.stdout.contains("protected: true"))
        #expect(!production.stdout.contains("load-tests"))
        #expect(!production.stdout.contains("${var."))

        let staging = try gwctl.run(["render", "--env", "staging"], directory: directory)
        #expect(staging.stdout.contains("load-tests"))
        #expect(staging.stdout.contains("requestsPerMinute: 30"))
        #expect(staging.stdout.contains("limitUSD: 50"))

        // What render prints loads back to the same environment.
        let rendered = directory.appendingPathComponent("rendered.yaml")
        try staging.stdout.write(to: rendered, atomically: true, encoding: .utf8)
        let again = try gwctl.run(["validate", "rendered.yaml"], directory: directory)
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func anEnvironmentPlansAndAppliesToItsOwnGatewayAndANamedOneMustExist() throws {
        let directory = try project()
        defer { try? FileManager.default.removeItem(at: directory) }
        let apply = try gwctl.run(
            ["apply", "--env", "staging", "--auto-approve", "--keys-out", "keys.json"], environment: Self.secrets,
            directory: directory)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(".gateway/staging.db").path))
        let again = try gwctl.run(
            ["plan", "--detailed-exitcode"], environment: Self.secrets.merging(["GWCTL_ENV": "staging"]) { $1 },
            directory: directory)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("No changes."))

        let typo = try gwctl.run(["plan", "--env", "stagin"], environment: Self.secrets, directory: directory)
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("no environment 'stagin'; did you mean 'staging'?"))

        let outside = try gwctl.run(
            ["validate", "--env", "staging"], directory: FileManager.default.temporaryDirectory)
        #expect(outside.status == 1)
        #expect(outside.stderr.contains("no gwctl.yaml in"))
    }

    @Test func auditAcrossEnvironmentsFindsAKeyInAnotherTeamAndARotationKeepsTheOldSecretForItsOverlap() throws {
        let directory = try project()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Production on an embedded state too, and the classic copy mistake: staging's load-tests
        // key made again in production, in another team.
        let projectFile = directory.appendingPathComponent("gwctl.yaml")
        try String(contentsOf: projectFile, encoding: .utf8)
            .replacingOccurrences(
                of: "gateway: https://gatewayd.internal.example:8443", with: "state: .gateway/production.db"
            )
            .write(to: projectFile, atomically: true, encoding: .utf8)
        try """
        apiVersion: gateway/v1
        kind: Team
        metadata: {name: platform}
        spec:
          tier: paid
          keys:
            - name: load-tests

        """.write(
            to: directory.appendingPathComponent("production/platform.yaml"), atomically: true, encoding: .utf8)
        for environment in ["staging", "production"] {
            let apply = try gwctl.run(
                ["apply", "--env", environment, "--auto-approve", "--keys-out", "\(environment).env"],
                environment: Self.secrets, directory: directory)
            #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        }
        let dotenv = try String(contentsOf: directory.appendingPathComponent("staging.env"), encoding: .utf8)
        #expect(dotenv.contains("\nGW_KEY_PAYMENTS__LOAD_TESTS=gw_"))

        let audit = try gwctl.run(["audit", "--env", "all", "--fail-on", "warning"], directory: directory)
        #expect(audit.status == 2, "\(audit.stdout)\(audit.stderr)")
        #expect(audit.stdout.contains("== staging =="))
        #expect(audit.stdout.contains("== production =="))
        #expect(audit.stdout.contains("identity-drift"))
        #expect(
            audit.stdout.contains("key 'load-tests' is in team payments in staging but in team platform in production"))
        #expect(!audit.stdout.contains("key 'checkout-backend' is in"), "the same team everywhere is no drift")
        let json = try gwctl.run(["audit", "--env", "all", "--format", "json"], directory: directory)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let across = try #require(object["acrossEnvironments"] as? [String: Any])
        #expect((across["findings"] as? [[String: Any]])?.map { $0["code"] as? String } == ["identity-drift"])

        // A rotation: the plan says how long the old secret keeps working; explain lists both.
        let payments = directory.appendingPathComponent("staging/payments.yaml")
        try String(contentsOf: payments, encoding: .utf8)
            .replacingOccurrences(
                of: "      rateLimit: {requestsPerMinute: 30}\n",
                with: "      rateLimit: {requestsPerMinute: 30}\n      rotation: 1\n      rotationOverlap: 2h\n"
            )
            .write(to: payments, atomically: true, encoding: .utf8)
        let plan = try gwctl.run(["plan", "--env", "staging"], environment: Self.secrets, directory: directory)
        #expect(
            plan.stdout.contains(
                "the old secret keeps working for 2h after apply (the key's rotationOverlap), then answers key_rotated"),
            "\(plan.stdout)")
        let rotate = try gwctl.run(
            ["apply", "--env", "staging", "--auto-approve", "--keys-out", "rotated.json"], environment: Self.secrets,
            directory: directory)
        #expect(rotate.status == 0, "\(rotate.stdout)\(rotate.stderr)")
        let explain = try gwctl.run(
            ["explain", "--env", "staging", "--key", "payments/checkout-backend", "--model", "openai/gpt-5.4-mini"],
            directory: directory)
        #expect(explain.stdout.contains("still works until"), "\(explain.stdout)")
        let keys = try gwctl.run(["audit", "--env", "staging"], directory: directory)
        #expect(keys.stdout.contains("(+1 retiring)"))
        #expect(keys.stdout.contains("key-secret-retiring"))
    }
}
