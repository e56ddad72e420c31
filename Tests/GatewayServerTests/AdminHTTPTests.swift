import Foundation
import GatewayModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StoreFixtures
import Testing

/// The admin API over HTTP, driven in-process through the router.
@Suite("Admin API over HTTP")
struct AdminHTTPTests {
    static func json<T: Encodable>(_ value: T) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONEncoder().encode(value))
    }

    static func headers(_ token: String?, json: Bool = false) -> HTTPFields {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    /// The `error.code` of a JSON error body.
    static func code(_ body: ByteBuffer) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }

    @Test func tokensAndRolesAreEnforced() async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        let app = Application(router: try fixture.router())
        let changeset = try Self.json(Changeset(operations: [Sample.create(provider: Sample.provider())]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/admin/v1/state", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(Self.code(response.body) == "unauthorized")
            }
            try await client.execute(uri: "/admin/v1/state", method: .get, headers: Self.headers("wrong")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(
                uri: "/admin/v1/state", method: .get, headers: Self.headers(GatewayFixture.readerToken)
            ) { #expect($0.status == .ok) }
            // A replay's traffic is a read: readers may ask for it.
            try await client.execute(
                uri: "/admin/v1/usage/traffic", method: .get, headers: Self.headers(GatewayFixture.readerToken)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"groups\""))
            }
            try await client.execute(
                uri: "/admin/v1/changesets", method: .post,
                headers: Self.headers(GatewayFixture.readerToken, json: true),
                body: changeset
            ) { response in
                #expect(response.status == .forbidden)
                #expect(Self.code(response.body) == "forbidden_role")
            }
            try await client.execute(
                uri: "/admin/v1/changesets", method: .post,
                headers: Self.headers(GatewayFixture.writerToken, json: true),
                body: changeset
            ) { #expect($0.status == .ok) }
            // Health needs no token.
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
        let audit = try await fixture.store.auditLog(after: 0, limit: 10)
        #expect(audit.map(\.actor) == ["ci-writer"])
        #expect(audit.first?.target == .provider("mock"))
        #expect(audit.first?.before == nil && audit.first?.after?.count == 64)
    }

    @Test func everyErrorHasAStableCode() async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        let app = Application(router: try fixture.router())
        let writer = Self.headers(GatewayFixture.writerToken, json: true)
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/admin/v1/changesets", method: .post, headers: writer, body: ByteBuffer(string: "{not json")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(Self.code(response.body) == "invalid_request")
            }
            let twoRecords = ByteBuffer(
                string: #"{"operations":[{"op":"create","target":{"kind":"team","name":"a"},"#
                    + #""team":{"metadata":{"name":"a"}},"apiKey":{"team":"a","name":"k"}}]}"#)
            try await client.execute(uri: "/admin/v1/changesets", method: .post, headers: writer, body: twoRecords) {
                response in
                #expect(response.status == .badRequest)
                #expect(Self.code(response.body) == "invalid_request")
            }
            let withNull = ByteBuffer(string: #"{"operations":[{"op":"delete","target":{"kind":"team","name":null}}]}"#)
            try await client.execute(uri: "/admin/v1/changesets", method: .post, headers: writer, body: withNull) {
                response in
                #expect(response.status == .badRequest)
                #expect(Self.code(response.body) == "invalid_request")
                #expect(String(buffer: response.body).contains("null at operations[0].target.name"))
            }
            try await client.execute(
                uri: "/admin/v1/changesets", method: .post, headers: Self.headers(GatewayFixture.writerToken),
                body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(Self.code(response.body) == "unsupported_media_type")
            }
            let huge = ByteBuffer(
                string: #"{"operations":[],"managedBy":""# + String(repeating: "x", count: 2 << 20) + #""}"#)
            try await client.execute(uri: "/admin/v1/changesets", method: .post, headers: writer, body: huge) {
                response in
                #expect(response.status == .contentTooLarge)
                #expect(Self.code(response.body) == "body_too_large")
            }
            try await client.execute(uri: "/admin/v1/teams/nobody", method: .get, headers: writer) { response in
                #expect(response.status == .notFound)
                #expect(Self.code(response.body) == "not_found")
            }
            try await client.execute(uri: "/admin/v1/nothing-here", method: .get, headers: writer) { response in
                #expect(response.status == .notFound)
                #expect(Self.code(response.body) == "not_found")
            }
            let stale = try Self.json(
                Changeset(operations: [ChangeOperation(op: .delete, target: .team("ghost"), ifRevision: 3)]))
            try await client.execute(uri: "/admin/v1/changesets", method: .post, headers: writer, body: stale) {
                response in
                #expect(response.status == .conflict)
                #expect(Self.code(response.body) == "precondition_failed")
                #expect(String(buffer: response.body).contains("team/ghost"))
            }
        }
    }

    @Test func perResourceReadsAndCredits() async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        _ = try await fixture.store.apply(
            Changeset(operations: [
                Sample.create(provider: Sample.provider()), Sample.create(team: Sample.team("payments")),
                Sample.create(key: Sample.key("payments", "checkout")),
            ]), actor: "setup")
        let app = Application(router: try fixture.router())
        let writer = Self.headers(GatewayFixture.writerToken, json: true)
        try await app.test(.router) { client in
            try await client.execute(uri: "/admin/v1/teams/payments/keys/checkout", method: .get, headers: writer) {
                response in
                #expect(response.status == .ok)
                let record = try JSONDecoder().decode(APIKeyRecord.self, from: Data(buffer: response.body))
                #expect(record.name == "checkout" && record.prefix?.hasPrefix("gw_") == true)
            }
            try await client.execute(uri: "/admin/v1/providers/mock", method: .get, headers: writer) {
                #expect($0.status == .ok)
            }
            let grant = try Self.json(CreditGrant(amountMicroUSD: 25_000_000, reason: "Q4 budget"))
            try await client.execute(
                uri: "/admin/v1/teams/payments/credits", method: .post, headers: writer, body: grant
            ) {
                response in
                #expect(response.status == .ok)
                let balance = try JSONDecoder().decode(CreditBalance.self, from: Data(buffer: response.body))
                #expect(balance.balanceMicroUSD == 25_000_000)
            }
            try await client.execute(uri: "/admin/v1/teams/nobody/credits", method: .post, headers: writer, body: grant)
            {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/admin/v1/audit?after=0&limit=10", method: .get, headers: writer) {
                response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("grant-credits"))
            }
        }
        #expect(try await fixture.store.credits(team: "payments")?.balanceUSD == 25)
    }

    @Test func secretsNeverAppearInResponsesTheDatabaseOrLogs() async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        let providerSecret = "sk-system-PLAINTEXT-7f3a9c"
        let credentialSecret = "sk-byok-PLAINTEXT-41d0e2"
        let app = Application(router: try fixture.router())
        let writer = Self.headers(GatewayFixture.writerToken, json: true)
        let minted = try await app.test(.router) { client -> [String] in
            let changeset = try Self.json(
                Changeset(operations: [
                    Sample.create(provider: Sample.provider(), secret: providerSecret),
                    Sample.create(team: Sample.team("payments")),
                    Sample.create(credential: Sample.credential("payments", "byok"), secret: credentialSecret),
                    Sample.create(key: Sample.key("payments", "checkout")),
                ]))
            let minted = try await client.execute(
                uri: "/admin/v1/changesets", method: .post, headers: writer, body: changeset
            ) { response -> [String] in
                #expect(response.status == .ok)
                let result = try JSONDecoder().decode(ChangesetResult.self, from: Data(buffer: response.body))
                let text = String(buffer: response.body)
                #expect(!text.contains(providerSecret) && !text.contains(credentialSecret))
                return result.results.compactMap(\.secret)
            }
            for uri in [
                "/admin/v1/state", "/admin/v1/providers/mock", "/admin/v1/teams/payments/credentials/byok",
                "/admin/v1/teams/payments/keys/checkout", "/admin/v1/audit",
            ] {
                try await client.execute(uri: uri, method: .get, headers: writer) { response in
                    #expect(response.status == .ok)
                    let text = String(buffer: response.body)
                    for secret in [providerSecret, credentialSecret] + minted {
                        #expect(!text.contains(secret), "\(uri) leaks a secret")
                    }
                }
            }
            return minted
        }
        #expect(minted.count == 1)
        let database = try fixture.databaseBytes()
        for secret in [providerSecret, credentialSecret] + minted {
            #expect(database.range(of: Data(secret.utf8)) == nil, "the database holds a secret in plaintext")
            #expect(!fixture.logs.text.contains(secret), "the logs hold a secret")
        }
        #expect(fixture.logs.text.contains("changeset applied"))
        // The stored secrets still decrypt for the data plane.
        #expect(try await fixture.store.secret(of: .provider("mock")) == providerSecret)
        #expect(try await fixture.store.secret(of: .credential(team: "payments", name: "byok")) == credentialSecret)
    }
}
