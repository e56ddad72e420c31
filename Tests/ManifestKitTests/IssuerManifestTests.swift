import GatewayModel
import ManifestKit
import TestSupport
import Testing

/// The `Issuer` kind: decoded in full, written back by export unchanged, and its identities
/// usable wherever a key is named.
@Suite("Issuer manifests")
struct IssuerManifestTests {
    @Test func theWorkloadIdentityExampleDecodesIdentitiesGrantsAndKeySources() throws {
        let manifests = ManifestLoader().load(paths: [PackageRoot.path("examples/workload-identity")])
        #expect(manifests.diagnostics.isEmpty, "\(manifests.diagnostics)")
        let issuers = manifests.state.issuers
        #expect(issuers.map(\.name) == ["cluster", "github-actions"])
        let github = try #require(issuers.last?.spec)
        #expect(github.url == "https://token.actions.githubusercontent.com")
        #expect(github.algorithms == [.rs256])
        #expect(github.jwksURL == "https://token.actions.githubusercontent.com/.well-known/jwks")
        #expect(github.identities.map(\.qualifiedName) == ["payments/checkout-prod", "payments/checkout-ci"])
        #expect(github.identities[0].claims == ["repository": "acme/checkout", "environment": "production"])
        #expect(github.identities[0].rateLimit?.requestsPerMinute == 600)
        #expect(github.identities[1].budget?.limitUSD == 20)
        #expect(github.admin.map(\.role) == [.writer, .reader])
        #expect(issuers.first?.spec.jwksFile == "/etc/gatewayd/cluster-jwks.json")
        // Algorithms default to every asymmetric one.
        #expect(issuers.first?.spec.algorithms == TokenAlgorithm.allCases)
    }

    @Test func writtenIssuersLoadBackEqual() throws {
        let manifests = ManifestLoader().load(paths: [PackageRoot.path("examples/workload-identity")])
        let text = ManifestWriter.documents(manifests.state)
        let again = ManifestLoader().load(sources: [.init(path: "exported.yaml", text: text)])
        #expect(again.diagnostics.isEmpty, "\(again.diagnostics)")
        #expect(again.state.issuers == manifests.state.issuers)
    }

    @Test func aPlainHTTPSigningKeyURLIsRefusedUnlessLoopback() {
        func load(_ url: String) -> ManifestSet {
            ManifestLoader().load(sources: [
                .init(
                    path: "issuer.yaml",
                    text: """
                        apiVersion: gateway/v1
                        kind: Issuer
                        metadata: {name: ci}
                        spec:
                          url: https://token.example
                          audiences: [gatewayd]
                          jwks: {url: \(url)}

                        """)
            ])
        }
        let remote = load("http://token.example/jwks")
        #expect(
            remote.diagnostics.contains {
                "\($0.location)" == "issuer.yaml:7:15"
                    && $0.message.hasPrefix("spec.jwks.url: signing keys are fetched over https")
            })
        #expect(load("http://127.0.0.1:9999/jwks").diagnostics.isEmpty)
        #expect(load("https://token.example/jwks").diagnostics.isEmpty)
    }
}
