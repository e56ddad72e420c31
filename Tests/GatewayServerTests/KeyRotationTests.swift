import Foundation
import GatewayModel
import GatewayServer
import GatewayStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import StoreFixtures
import Testing

/// A rotated key through the data plane: the replaced secret works for the overlap, then answers
/// `401 key_rotated` naming the key and the times (never a secret), in each client's error shape,
/// on both stores (the replaced secrets' hashes come from each store's own column).
@Suite("Key rotation overlap")
struct KeyRotationTests {
    @Test(arguments: StoreBackend.allCases)
    func theReplacedSecretWorksForTheOverlapThenAnswersKeyRotated(backend: StoreBackend) async throws {
        try await backend.withStore { store in try await Self.scenario(store) }
    }

    static func scenario(_ store: any GatewayStore) async throws {
        // Two keys: one rotated with a long overlap (its old secret still works), one with none
        // (its old secret is past its overlap at once), so no test waits on a clock.
        var overlapping = Sample.key("payments", "checkout")
        overlapping.rotationOverlapSeconds = 3_600
        var immediate = Sample.key("payments", "billing")
        immediate.rotationOverlapSeconds = 0
        let created = try await store.apply(
            Changeset(operations: [
                Sample.create(provider: Sample.provider()), Sample.create(team: Sample.team("payments")),
                Sample.create(key: overlapping), Sample.create(key: immediate),
            ]), actor: "setup")
        let oldOverlapping = try #require(created.secret(team: "payments", key: "checkout"))
        let oldImmediate = try #require(created.secret(team: "payments", key: "billing"))
        overlapping.rotation = 1
        immediate.rotation = 1
        let rotated = try await store.apply(
            Changeset(operations: [
                ChangeOperation(
                    op: .rotate, target: .apiKey(team: "payments", name: "checkout"), payload: .apiKey(overlapping)),
                ChangeOperation(
                    op: .rotate, target: .apiKey(team: "payments", name: "billing"), payload: .apiKey(immediate)),
            ]), actor: "setup")
        let newOverlapping = try #require(rotated.secret(team: "payments", key: "checkout"))
        let newImmediate = try #require(rotated.secret(team: "payments", key: "billing"))
        let secrets = [oldOverlapping, oldImmediate, newOverlapping, newImmediate]

        let router = try GatewayApplication.router(
            store: store, tokens: AdminTokens(), configuration: .init(maxBodyBytes: 1 << 20),
            logger: Logger(label: "key-rotation-test"))
        let app = Application(router: router)
        try await app.test(.router) { client in
            func chat(_ secret: String) async throws -> (HTTPResponse.Status, String) {
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(secret)"
                headers[.contentType] = "application/json"
                let body = ByteBuffer(string: #"{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}"#)
                return try await client.execute(
                    uri: "/v1/chat/completions", method: .post, headers: headers, body: body
                ) { ($0.status, String(buffer: $0.body)) }
            }
            func messages(_ secret: String) async throws -> (HTTPResponse.Status, String) {
                var headers = HTTPFields()
                headers[HTTPField.Name("x-api-key")!] = secret
                headers[.contentType] = "application/json"
                let body = ByteBuffer(
                    string: #"{"model":"mock/echo","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"#)
                return try await client.execute(uri: "/v1/messages", method: .post, headers: headers, body: body) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            #expect(try await chat(newOverlapping).0 == .ok)
            #expect(try await chat(newImmediate).0 == .ok)
            #expect(try await chat(oldOverlapping).0 == .ok, "inside the overlap the replaced secret still works")

            let (status, body) = try await chat(oldImmediate)
            #expect(status == .unauthorized)
            #expect(HostileRequestTests.code(ByteBuffer(string: body)) == "key_rotated")
            #expect(body.contains("payments/billing"))
            #expect(body.contains("was rotated at"))
            #expect(body.contains("stopped working at"))
            for secret in secrets { #expect(!body.contains(secret)) }
            let (anthropicStatus, anthropicBody) = try await messages(oldImmediate)
            #expect(anthropicStatus == .unauthorized)
            #expect(anthropicBody.contains(#""type":"error""#), "Anthropic's error shape")
            #expect(HostileRequestTests.code(ByteBuffer(string: anthropicBody)) == "key_rotated")

            let (unknown, unknownBody) = try await chat("gw_" + String(repeating: "x", count: 40))
            #expect(unknown == .unauthorized)
            #expect(HostileRequestTests.code(ByteBuffer(string: unknownBody)) == "invalid_api_key")
        }
    }
}
