import GatewayModel
import ManifestKit
import TestSupport
import Testing

/// Every example file's diagnostics, compared with the golden file beside it.
@Suite("Example manifests")
struct ExampleGoldenTests {
    static let options = ManifestLoader.Options()

    static func load(_ file: String) throws -> ManifestSet {
        let bytes = Array(try PackageRoot.read(file).utf8)
        return ManifestLoader(options: options).load(sources: [.init(path: file, bytes: bytes)])
    }

    @Test(
        "each invalid example fails with its golden diagnostics",
        arguments: PackageRoot.files(in: "examples/invalid", suffix: ".yaml"))
    func invalidExample(file: String) throws {
        let manifests = try Self.load(file)
        let actual = DiagnosticRenderer.text(manifests.diagnostics)
        let golden = String(file.dropLast(".yaml".count)) + ".expected"
        #expect(actual == (try Golden.expected(golden, actual: actual)))
        #expect(!manifests.isValid, "\(file) should be invalid")
    }

    @Test func everyInvalidExampleHasAGoldenFile() {
        let inputs = PackageRoot.files(in: "examples/invalid", suffix: ".yaml").map { $0.dropLast(5) }
        let goldens = PackageRoot.files(in: "examples/invalid", suffix: ".expected").map { $0.dropLast(9) }
        #expect(inputs == goldens)
        #expect(inputs.count >= 15)
    }

    @Test func acmeIsCleanAndComplete() throws {
        let manifests = ManifestLoader(options: Self.options).load(paths: [PackageRoot.path("examples/acme")])
        #expect(manifests.diagnostics.isEmpty, "\(DiagnosticRenderer.text(manifests.diagnostics))")
        let state = manifests.state
        #expect(state.teams.map(\.name) == ["growth", "legal", "payments", "platform", "research"])
        #expect(state.providers.map(\.name) == ["anthropic", "azure", "mock", "openai"])
        #expect(Set(state.rules.map(\.action.kind)) == ["deny", "rewrite", "route"])
        #expect(state.policy?.perRequestBYOK == true)

        let payments = try #require(state.teams.first { $0.name == "payments" })
        #expect(payments.tier == .paid)
        #expect(payments.metadata.protected)
        #expect(
            payments.byok == [
                BYOKCredential(
                    name: "azure-prod", provider: "azure", secret: .env("PAYMENTS_AZURE_OPENAI_KEY"),
                    options: ["resourceName": "acme-eastus"])
            ])
        let checkout = try #require(payments.keys.first)
        #expect(checkout.expiresAt?.description == "2027-06-30T00:00:00Z")
        #expect(checkout.budget == Budget(limitUSD: 100, period: .monthly))
        #expect(checkout.rateLimit == RateLimit(requestsPerMinute: 60))

        let research = try #require(state.teams.first { $0.name == "research" })
        #expect(research.tier == .free && research.byok.count == 1)
        #expect(state.teams.first { $0.name == "legal" }?.dataRetention == .zero)
        #expect(state.teams.first { $0.name == "growth" }?.suspension?.reason.contains("#4411") == true)
        #expect(state.providers.first { $0.name == "mock" }?.baseURL == nil)
        let anthropic = try #require(state.providers.first { $0.name == "anthropic" })
        #expect(anthropic.models.first?.upstreamName == "claude-sonnet-4-6")
        #expect(state.rulesInEvaluationOrder.map(\.name).first == "opus-is-for-paid-teams")
    }

    @Test func fileOrderDoesNotChangeTheState() throws {
        let files = ["examples/acme/providers.yaml", "examples/acme/rules.yaml", "examples/acme/teams/payments.yaml"]
        let sources = try files.map { ManifestLoader.Source(path: $0, text: try PackageRoot.read($0)) }
        let loader = ManifestLoader(options: Self.options)
        #expect(loader.load(sources: sources).state == loader.load(sources: sources.reversed()).state)
    }
}
