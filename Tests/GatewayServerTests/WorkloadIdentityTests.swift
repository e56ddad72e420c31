import Foundation
import GatewayCore
import GatewayModel
import GatewayServer
import GatewayStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import StoreFixtures
import TestSupport
import Testing

/// OIDC tokens at the data plane and the admin API, against a JWKS served on loopback and tokens
/// signed in the test (RSA, EC, Ed25519): each refusal with its code and reason.
@Suite("Workload identity")
struct WorkloadIdentityTests {
    /// A gatewayd router on a fresh SQLite state holding the issuer, the team and a mock provider.
    struct Harness {
        let issuer: TestIssuer
        let jwksURL: String
        let store: any GatewayStore
        /// A stored admin token, made up at run time, for reading usage back.
        static let operatorToken = "op-" + UUID().uuidString

        func router(_ configuration: GatewayConfiguration = .init(maxBodyBytes: 1 << 20)) throws -> GatewayRouter {
            var tokens = AdminTokens()
            tokens.add(name: "operator", role: .reader, token: Self.operatorToken)
            return try GatewayApplication.router(
                store: store, tokens: tokens, configuration: configuration,
                logger: Logger(label: "workload-identity-test"))
        }
    }

    static func withHarness(_ body: @escaping @Sendable (Harness) async throws -> Void) async throws {
        let issuer = try TestIssuer()
        try await issuer.serveJWKS { jwksURL in
            let fixture = try GatewayFixture()
            defer { fixture.cleanup() }
            _ = try await fixture.store.apply(
                Changeset(operations: [
                    Sample.create(provider: Sample.provider()), Sample.create(team: Sample.team("payments")),
                    Sample.create(
                        issuer: Sample.issuer(url: issuer.url, jwksURL: jwksURL, audience: issuer.audience)),
                ]), actor: "setup")
            try await body(Harness(issuer: issuer, jwksURL: jwksURL, store: fixture.store))
        }
    }

    /// The checkout repository's production claims, with `extra` set over them.
    static func checkout(_ extra: [String: Any] = [:]) -> [String: Any] {
        ["repository": "acme/checkout", "environment": "production"].merging(extra) { $1 }
    }

    /// `POST path` with `token`: status, the body's `gateway.code` (or the admin `error.code`) and text.
    static func call(
        _ client: some TestClientProtocol, _ token: String, path: String = "/v1/chat/completions",
        method: HTTPRequest.Method = .post, body: String? = nil
    ) async throws -> (status: Int, code: String?, text: String) {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        headers[.contentType] = "application/json"
        if path == "/v1/messages" { headers[HTTPField.Name("anthropic-version")!] = "2023-06-01" }
        let payload =
            body
            ?? (path == "/v1/messages"
                ? #"{"model":"mock/echo","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"#
                : #"{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}"#)
        return try await client.execute(
            uri: path, method: method, headers: headers, body: method == .get ? nil : ByteBuffer(string: payload)
        ) { response in
            let text = String(buffer: response.body)
            let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let code =
                (json?["gateway"] as? [String: Any])?["code"] as? String
                ?? (json?["error"] as? [String: Any])?["code"] as? String
            return (Int(response.status.code), code, text)
        }
    }

    @Test func tokensSignedWithRSAECAndEd25519KeysAreServedAsTheMappedIdentity() async throws {
        try await Self.withHarness { harness in
            let app = Application(router: try harness.router())
            try await app.test(.router) { client in
                for kid in ["rsa-1", "ec-1", "ed-1"] {
                    let token = try harness.issuer.token(harness.issuer.claims(Self.checkout()), kid: kid)
                    let answer = try await Self.call(client, token)
                    #expect(answer.status == 200, "\(kid): \(answer.text)")
                }
                // The same token again is served from the verified-token cache, and usage names the identity.
                let token = try harness.issuer.token(harness.issuer.claims(Self.checkout()))
                #expect(try await Self.call(client, token).status == 200)
                let usage = try await Self.call(
                    client, Harness.operatorToken, path: "/admin/v1/usage?team=payments", method: .get)
                let records = try JSONSerialization.jsonObject(with: Data(usage.text.utf8)) as? [String: Any]
                let keys = (records?["records"] as? [[String: Any]] ?? []).map { $0["key"] as? String }
                #expect(keys == Array(repeating: "checkout-prod", count: 4), "\(usage.text)")
            }
        }
    }

    @Test func eachBadTokenIsRefusedWithInvalidTokenAndItsReason() async throws {
        try await Self.withHarness { harness in
            let issuer = harness.issuer
            let now = Date()
            let good = try issuer.token(issuer.claims(Self.checkout()))
            let cases: [(name: String, token: String, reason: String)] = [
                (
                    "expired",
                    try issuer.token(
                        issuer.claims(Self.checkout(["exp": Int(now.timeIntervalSince1970) - 120]))),
                    "the token expired at"
                ),
                (
                    "not yet valid",
                    try issuer.token(
                        issuer.claims(Self.checkout(["nbf": Int(now.timeIntervalSince1970) + 600]))),
                    "not valid before"
                ),
                (
                    "wrong audience",
                    try issuer.token(issuer.claims(Self.checkout(["aud": "https://elsewhere.test"]))),
                    "audience (https://elsewhere.test) is not one Issuer 'ci' accepts"
                ),
                (
                    "wrong issuer",
                    try issuer.token(issuer.claims(Self.checkout(["iss": "https://evil.test"]))),
                    "no Issuer trusts tokens from 'https://evil.test'"
                ),
                (
                    "tampered",
                    try TestIssuer.tampered(
                        good, claims: issuer.claims(["repository": "acme/checkout", "environment": "staging"])),
                    "signature does not verify"
                ),
                (
                    "alg none", try issuer.unsignedToken(issuer.claims(Self.checkout())),
                    "alg 'none', which is never accepted"
                ),
                (
                    "HS256 with the public key", try issuer.hmacWithPublicKey(issuer.claims(Self.checkout())),
                    "alg 'HS256', which is never accepted"
                ),
                (
                    "no mapping",
                    try issuer.token(issuer.claims(["repository": "acme/web", "environment": "production"])),
                    "no identity of Issuer 'ci' matches the token's claims (environment=production, repository=acme/web)"
                ),
                ("not a JWT", "eyJhbGciOi.broken.", "not a well-formed JWT"),
            ]
            let app = Application(router: try harness.router())
            try await app.test(.router) { client in
                for entry in cases {
                    let openAI = try await Self.call(client, entry.token)
                    #expect(openAI.status == 401, "\(entry.name)")
                    #expect(openAI.code == "invalid_token", "\(entry.name): \(openAI.text)")
                    #expect(openAI.text.contains(entry.reason), "\(entry.name): \(openAI.text)")
                    #expect(!openAI.text.contains(entry.token), "\(entry.name): the answer repeats the token")
                    // The Anthropic error shape says the same.
                    let anthropic = try await Self.call(client, entry.token, path: "/v1/messages")
                    #expect(anthropic.status == 401)
                    #expect(anthropic.text.contains(#""type":"authentication_error""#), "\(anthropic.text)")
                    #expect(anthropic.code == "invalid_token")
                }
            }
        }
    }

    @Test func anUnknownKidIsRefusedUntilTheIssuerPublishesItThenServed() async throws {
        try await Self.withHarness { harness in
            var configuration = GatewayConfiguration(maxBodyBytes: 1 << 20)
            configuration.unknownSigningKeyInterval = .milliseconds(200)
            let app = Application(router: try harness.router(configuration))
            try await app.test(.router) { client in
                let warm = try harness.issuer.token(harness.issuer.claims(Self.checkout()))
                #expect(try await Self.call(client, warm).status == 200)
                let rotated = try harness.issuer.token(harness.issuer.claims(Self.checkout()), kid: "rsa-2")
                let refused = try await Self.call(client, rotated)
                #expect(refused.status == 401)
                #expect(refused.code == "invalid_token")
                #expect(refused.text.contains("signing key 'rsa-2', which Issuer 'ci''s JWKS does not hold"))
                harness.issuer.publishRotatedKey()
                try await Task.sleep(for: .milliseconds(300))
                let served = try await Self.call(client, rotated)
                #expect(served.status == 200, "\(served.text)")
            }
            // Forged kids cannot make gatewayd hammer the issuer: with the default interval (30 s),
            // the fetch that warmed the keys is the last one for the next 20 unknown kids.
            let throttled = Application(router: try harness.router())
            try await throttled.test(.router) { client in
                let signed = try harness.issuer.token(harness.issuer.claims(Self.checkout()))
                #expect(try await Self.call(client, signed).status == 200)
                let before = harness.issuer.fetches
                for index in 0..<20 {
                    let forged = try TestIssuer.naming(kid: "forged-\(index)", in: signed)
                    #expect(try await Self.call(client, forged).code == "invalid_token")
                }
                #expect(harness.issuer.fetches == before)
            }
        }
    }

    @Test func anIssuerOutageServesCachedKeysAndACodeStartAnswers503() async throws {
        try await Self.withHarness { harness in
            var configuration = GatewayConfiguration(maxBodyBytes: 1 << 20)
            // Always stale, so each request starts a background refresh that fails while the issuer is down.
            configuration.signingKeyRefreshInterval = .zero
            let warm = Application(router: try harness.router(configuration))
            let token = try harness.issuer.token(harness.issuer.claims(Self.checkout(), now: Date()), kid: "ec-1")
            try await warm.test(.router) { client in
                #expect(try await Self.call(client, token).status == 200)
                harness.issuer.setDown(true)
                for _ in 0..<3 {
                    let other = try harness.issuer.token(harness.issuer.claims(Self.checkout()), kid: "ed-1")
                    let answer = try await Self.call(client, other)
                    #expect(answer.status == 200, "cached keys serve while the issuer is down: \(answer.text)")
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            // A gatewayd that never fetched the keys cannot verify anything: 503, worth a retry.
            let cold = Application(router: try harness.router(configuration))
            try await cold.test(.router) { client in
                let answer = try await Self.call(client, token)
                #expect(answer.status == 503)
                #expect(answer.code == "issuer_unavailable")
                #expect(answer.text.contains("Issuer 'ci' has no signing keys cached"))
                #expect(answer.text.contains("HTTP 503"))
            }
        }
    }

    @Test func adminGrantsMapPipelinesToRolesAndTheAuditLogNamesIssuerGrantAndSubject() async throws {
        try await Self.withHarness { harness in
            let issuer = harness.issuer
            let reader = try issuer.token(
                issuer.claims([
                    "repository": "acme/gateway-config", "event_name": "pull_request",
                    "sub": "repo:acme/gateway-config:pr",
                ]))
            let writer = try issuer.token(
                issuer.claims([
                    "repository": "acme/gateway-config", "ref": "refs/heads/main", "event_name": "push",
                    "sub": "repo:acme/gateway-config:ref:refs/heads/main",
                ]))
            let stranger = try issuer.token(issuer.claims(["repository": "acme/web", "ref": "refs/heads/main"]))
            let team =
                #"{"operations":[{"op":"create","target":{"kind":"team","name":"legal"},"team":{"metadata":{"name":"legal","labels":{},"protected":false},"tier":"free"}}]}"#
            let app = Application(router: try harness.router())
            try await app.test(.router) { client in
                #expect(try await Self.call(client, reader, path: "/admin/v1/state", method: .get).status == 200)
                let refused = try await Self.call(client, reader, path: "/admin/v1/changesets", body: team)
                #expect(refused.status == 403)
                #expect(refused.code == "forbidden_role")
                let message = refused.text.replacingOccurrences(of: "\\/", with: "/")
                #expect(message.contains("'oidc:ci/config-prs sub=repo:acme/gateway-config:pr' has the role reader"))
                #expect(message.contains("this request needs writer"))
                let applied = try await Self.call(client, writer, path: "/admin/v1/changesets", body: team)
                #expect(applied.status == 200, "\(applied.text)")
                let unknown = try await Self.call(client, stranger, path: "/admin/v1/state", method: .get)
                #expect(unknown.status == 401)
                #expect(unknown.code == "invalid_token")
                #expect(unknown.text.contains("no admin grant of Issuer 'ci' matches"))
                // A data-plane identity is not an admin.
                let workload = try issuer.token(issuer.claims(Self.checkout()))
                #expect(try await Self.call(client, workload, path: "/admin/v1/state", method: .get).status == 401)
            }
            let entries = try await harness.store.auditLog(after: 0, limit: 10)
            let actors = entries.map(\.actor)
            #expect(actors.contains("oidc:ci/config-main sub=repo:acme/gateway-config:ref:refs/heads/main"))
        }
    }

    @Test func explainByClaimsSaysWhichMappingMatchedWithoutAToken() async throws {
        try await Self.withHarness { harness in
            let state = try await harness.store.state()
            #expect(state.issuers.count == 1)
            let pipeline = AdmissionPipeline(
                snapshot: GatewaySnapshot(state: state, keyHashes: []), ledger: harness.store, limiter: RateLimiter())
            let matched = try await pipeline.explain(
                ExplainRequest(
                    key: nil, model: "mock/echo",
                    claims:
                        #"{"iss":"\#(harness.issuer.url)","aud":"\#(harness.issuer.audience)","repository":"acme/checkout","environment":"production"}"#
                ))
            #expect(matched.admitted)
            #expect(matched.key == "payments/checkout-prod")
            #expect(matched.steps.contains { $0.detail.contains("Issuer 'ci' identities[0] matched") })
            let unmatched = try await pipeline.explain(
                ExplainRequest(
                    key: nil, model: "mock/echo",
                    claims:
                        #"{"iss":"\#(harness.issuer.url)","aud":"\#(harness.issuer.audience)","repository":"acme/checkout","environment":"staging"}"#
                ))
            #expect(unmatched.refusal?.code == .invalidToken)
            #expect(unmatched.refusal?.message.contains("environment=staging, repository=acme/checkout") == true)
        }
    }
}
