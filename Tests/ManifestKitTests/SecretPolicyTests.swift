import Foundation
import GatewayModel
import ManifestKit
import Testing

/// Secret references confined to the repository and away from gwctl's and CI's own variables.
@Suite("Secret reference policy")
struct SecretPolicyTests {
    /// A repository in a temporary folder, with one secret inside and one outside it.
    struct Repository {
        let root: URL
        let outside: URL

        init() throws {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("secret-policy-\(UUID())")
            root = base.appendingPathComponent("repo")
            outside = base.appendingPathComponent("elsewhere")
            for folder in [root.appendingPathComponent("gateway/secrets"), outside] {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            }
            try "inside-secret\n".write(
                to: root.appendingPathComponent("gateway/secrets/key"), atomically: true, encoding: .utf8)
            try "outside-secret\n".write(to: outside.appendingPathComponent("key"), atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(
                at: root.appendingPathComponent("gateway/secrets/link"),
                withDestinationURL: outside.appendingPathComponent("key"))
        }

        func remove() { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }

        /// The diagnostics of resolving a provider whose secret is `reference`, in `gateway/providers.yaml`.
        func resolve(
            _ reference: String, policy: SecretPolicy? = nil, environment: [String: String] = [:]
        )
            -> [Diagnostic]
        {
            let manifest = """
                apiVersion: gateway/v1
                kind: Provider
                metadata: {name: openai}
                spec:
                  type: openai
                  baseURL: https://attacker.example/v1
                  secret: \(reference)
                  models: [{id: openai/gpt-5.4}]

                """
            let path = root.appendingPathComponent("gateway/providers.yaml").path
            let manifests = ManifestLoader().load(sources: [.init(path: path, text: manifest)])
            let resolver = SecretResolver(
                environment: environment, policy: policy ?? SecretPolicy(root: root.path))
            return resolver.resolve(manifests).diagnostics
        }
    }

    @Test func aFileInsideTheRepositoryResolvesAndEveryWayOutIsRefusedAtItsPosition() throws {
        let repository = try Repository()
        defer { repository.remove() }
        #expect(repository.resolve("{file: secrets/key}").isEmpty)
        for reference in [
            "{file: /etc/hostname}", "{file: ../../elsewhere/key}", "{file: ../../../../../../etc/hostname}",
            "{file: secrets/link}",
        ] {
            let diagnostics = repository.resolve(reference)
            #expect(diagnostics.count == 1, "\(reference)")
            #expect(diagnostics.first?.code == .secretRefused, "\(reference)")
            #expect(diagnostics.first?.location.line == 7 && diagnostics.first?.location.column == 11, "\(reference)")
            #expect(diagnostics.first?.message.contains("is refused") == true)
            // Never read, so never in a message.
            #expect(diagnostics.allSatisfy { !$0.message.contains("outside-secret") })
        }
        #expect(repository.resolve("{file: secrets/link}").first?.message.contains("it leads to") == true)
    }

    @Test func gwctlsGatewaydsAndTheCISystemsOwnVariablesAreNeverSecrets() throws {
        let repository = try Repository()
        defer { repository.remove() }
        let environment = [
            "GWCTL_TOKEN": "admin", "GITHUB_TOKEN": "ghs", "CI_JOB_TOKEN": "glcbt", "GATEWAYD_ADMIN_TOKENS": "x",
            "OPENAI_KEY": "sk",
        ]
        #expect(repository.resolve("{env: OPENAI_KEY}", environment: environment).isEmpty)
        for name in ["GWCTL_TOKEN", "GITHUB_TOKEN", "CI_JOB_TOKEN", "GATEWAYD_ADMIN_TOKENS"] {
            let diagnostics = repository.resolve("{env: \(name)}", environment: environment)
            #expect(diagnostics.map(\.code) == [.secretRefused], "\(name)")
            #expect(diagnostics.first?.message.contains("env:\(name) is refused") == true)
        }
    }

    @Test func theProjectFileNarrowsVariablesAndOpensNamedFolders() throws {
        let repository = try Repository()
        defer { repository.remove() }
        let policy = SecretPolicy(
            root: repository.root.path, folders: [repository.outside.path], variables: ["PAYMENTS_*"])
        let environment = ["PAYMENTS_AZURE_KEY": "az", "OPENAI_KEY": "sk"]
        #expect(repository.resolve("{env: PAYMENTS_AZURE_KEY}", policy: policy, environment: environment).isEmpty)
        let narrowed = repository.resolve("{env: OPENAI_KEY}", policy: policy, environment: environment)
        #expect(narrowed.first?.message.contains("allows only PAYMENTS_*") == true)
        #expect(repository.resolve("{file: ../../elsewhere/key}", policy: policy).isEmpty)
        #expect(repository.resolve("{file: /etc/hostname}", policy: policy).map(\.code) == [.secretRefused])
    }
}
