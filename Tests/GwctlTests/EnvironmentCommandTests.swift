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
}
