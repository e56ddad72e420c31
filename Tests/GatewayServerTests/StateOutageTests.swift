import Foundation
import GatewayModel
import GatewayServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// When gatewayd cannot read its own state (the PostgreSQL server went away, the disk failed), a
/// data-plane request is the gateway's failure, not the client's: 503 `state_unavailable` with
/// `Retry-After` (the SDKs retry it), in the client's error shape, with the store's error in
/// gatewayd's log and nowhere in the answer.
@Suite("State outage on the data plane")
struct StateOutageTests {
    static func expectUnavailable(_ response: TestResponse, layer: String, _ what: String) throws -> String {
        #expect(response.status == .serviceUnavailable, "\(what)")
        #expect(response.headers[.retryAfter] == "1", "\(what)")
        let text = String(buffer: response.body)
        #expect(!text.contains("state-db.internal") && !text.contains("SELECT"), "\(what): \(text)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        let error = try #require(object["error"] as? [String: Any], "\(what): \(text)")
        let gateway = try #require(error["gateway"] as? [String: Any], "\(what): \(text)")
        #expect(gateway["code"] as? String == "state_unavailable", "\(what)")
        #expect(gateway["layer"] as? String == layer, "\(what)")
        return try #require(response.headers[HTTPField.Name("x-request-id")!])
    }

    @Test func unreadableStateIsA503ThatSaysSoAndLeaksNothing() async throws {
        let (fixture, key) = try await HostileRequestTests.prepared()
        defer { fixture.cleanup() }
        let store = UnreachableStore(fixture.store)
        let router = try GatewayApplication.router(
            store: store, tokens: fixture.tokens, configuration: .init(maxBodyBytes: 1 << 20), logger: fixture.logger)
        let app = Application(router: router)
        let headers: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
        let chat = ByteBuffer(string: #"{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}"#)
        let message = ByteBuffer(
            string: #"{"model":"mock/echo","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"#)

        store.down = true
        let refused = try await app.test(.router) { client in
            let id = try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: chat)
            {
                let id = try Self.expectUnavailable($0, layer: "authentication", "chat")
                let error = try #require(
                    (try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any])?["error"]
                        as? [String: Any])
                #expect(error["code"] as? String == "state_unavailable")
                #expect(error["type"] as? String == "api_error")
                return id
            }
            try await client.execute(uri: "/v1/messages", method: .post, headers: headers, body: message) {
                _ = try Self.expectUnavailable($0, layer: "authentication", "messages")
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any])
                #expect(object["type"] as? String == "error", "Anthropic's shape")
                #expect((object["error"] as? [String: Any])?["type"] as? String == "api_error")
            }
            try await client.execute(uri: "/v1/models", method: .get, headers: headers) {
                _ = try Self.expectUnavailable($0, layer: "authentication", "models")
            }

            store.down = false
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: chat) {
                #expect($0.status == .ok, "served again once the store answers")
            }

            store.down = true
            try await client.execute(uri: "/v1/credits", method: .get, headers: headers) {
                _ = try Self.expectUnavailable($0, layer: "credits", "credits")
            }
            return id
        }
        let logs = fixture.logs.text
        #expect(logs.contains("state-db.internal"), "the operator sees the store's error")
        #expect(logs.contains(refused), "under the request id the client was given")
    }

    /// A provider's secret is read from the store on first use (then cached per revision); when
    /// that read fails, the request ends as the gateway's failure instead of being blamed on the
    /// provider with the store's error in the message.
    @Test func unreadableSecretIsA503AtTheCredentialLayer() async throws {
        let (fixture, key) = try await HostileRequestTests.prepared()
        defer { fixture.cleanup() }
        let provider = ProviderRecord(
            metadata: ResourceMetadata(name: "vendor"), type: .openaiCompatible,
            baseURL: "http://127.0.0.1:9/v1", models: [ProviderModel(id: "vendor/unpriced")])
        var create = ChangeOperation(op: .create, target: .provider("vendor"), payload: .provider(provider))
        create.secret = "sk-vendor"
        _ = try await fixture.store.apply(Changeset(operations: [create]), actor: "setup")
        let store = UnreachableStore(fixture.store)
        let app = Application(
            router: try GatewayApplication.router(
                store: store, tokens: fixture.tokens, configuration: .init(maxBodyBytes: 1 << 20),
                logger: fixture.logger))
        let headers: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
        @Sendable func chat(_ model: String) -> ByteBuffer {
            ByteBuffer(string: #"{"model":"\#(model)","messages":[{"role":"user","content":"hi"}]}"#)
        }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: chat("mock/echo")
            ) { #expect($0.status == .ok, "the configuration is loaded while the store answers") }
            store.down = true
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: chat("vendor/unpriced")
            ) { _ = try Self.expectUnavailable($0, layer: "credential", "the provider's secret") }
        }
        #expect(fixture.logs.text.contains("state-db.internal"))
    }
}
