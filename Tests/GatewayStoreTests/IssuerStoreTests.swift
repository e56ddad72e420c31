import Foundation
import GatewayModel
import GatewayStore
import StoreFixtures
import Testing

/// Issuers are stored like rules on both backends, and their identities take part in the
/// integrity check: a team with identities cannot go, a rule may name an identity like a key,
/// and changing the issuer so the identity disappears is refused while a rule still names it.
@Suite("Issuers in the store")
struct IssuerStoreTests {
    static let issuer = Sample.issuer(
        url: "https://token.ci.test", jwksURL: "https://token.ci.test/jwks", audience: "https://gateway.test")

    @Test(arguments: StoreBackend.allCases)
    func issuersRoundTripAndTheirIdentitiesAreReferencesLikeKeys(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let rule = Sample.rule("deny-ci", keys: ["payments/checkout-prod"])
            _ = try await store.apply(
                Changeset(operations: [
                    Sample.create(provider: Sample.provider()), Sample.create(team: Sample.team("payments")),
                    Sample.create(issuer: Self.issuer), Sample.create(rule: rule),
                ]), actor: "setup")
            let state = try await store.state()
            let stored = try #require(state.issuers.first)
            #expect(stored.spec == Self.issuer.spec)
            #expect(stored.status?.managedBy == "api")
            guard case .issuer(let read)? = try await store.resource(.issuer("ci")) else {
                Issue.record("the issuer is not readable by reference")
                return
            }
            #expect(read.spec.identities.map(\.qualifiedName) == ["payments/checkout-prod"])
            #expect(state.identityKeys.map(\.name) == ["checkout-prod"])

            // The team still has an identity: refused, naming it.
            await #expect {
                _ = try await store.apply(
                    Changeset(operations: [ChangeOperation(op: .delete, target: .team("payments"))]), actor: "t")
            } throws: { error in
                "\(error)".contains("issuer identities") && "\(error)".contains("ci: checkout-prod")
            }
            // The identity goes while the rule names it: refused.
            var without = Self.issuer
            without.spec.identities = []
            await #expect {
                _ = try await store.apply(
                    Changeset(operations: [
                        ChangeOperation(op: .update, target: .issuer("ci"), payload: .issuer(without))
                    ]),
                    actor: "t")
            } throws: { error in
                "\(error)".contains(
                    "match.keys entry 'payments/checkout-prod' is neither a key nor a workload identity")
            }
            // An identity of a team that does not exist, and a plain-http JWKS elsewhere than loopback.
            var broken = Self.issuer
            broken.metadata.name = "other"
            broken.spec.identities[0].team = "nobody"
            broken.spec.jwksURL = "http://keys.example/jwks"
            await #expect {
                _ = try await store.apply(
                    Changeset(operations: [Sample.create(issuer: broken)]), actor: "t")
            } throws: { error in
                "\(error)".contains("jwksURL must be https")
            }
            broken.spec.jwksURL = "https://keys.example/jwks"
            await #expect {
                _ = try await store.apply(Changeset(operations: [Sample.create(issuer: broken)]), actor: "t")
            } throws: { error in
                "\(error)".contains("team/nobody does not exist")
            }
            // Both go together: fine.
            _ = try await store.apply(
                Changeset(operations: [
                    ChangeOperation(op: .delete, target: .rule("deny-ci")),
                    ChangeOperation(op: .delete, target: .issuer("ci")),
                ]), actor: "t")
            #expect(try await store.state().issuers.isEmpty)
        }
    }
}
