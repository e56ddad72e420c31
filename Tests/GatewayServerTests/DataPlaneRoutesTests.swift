import Foundation
import GatewayServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The data plane's routes are answered ahead of the admin router; everything the router did for
/// them (405 with `Allow`, 404, the body rules, HEAD for GET) still holds.
@Suite("Data-plane routes")
struct DataPlaneRoutesTests {
    @Test func routesAnswerAsTheRouterDid() async throws {
        try await PreparedGateway.test { gateway, client in
            let headers = gateway.headers
            let chat = ByteBuffer(string: #"{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}"#)

            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: chat) {
                #expect($0.status == .ok)
                #expect($0.headers[HTTPField.Name("x-request-id")!] != nil)
            }
            try await client.execute(uri: "/v1/chat/completions?trace=1", method: .post, headers: headers, body: chat) {
                #expect($0.status == .ok, "a query string does not change the route")
            }

            for (uri, method, allow) in [
                ("/v1/chat/completions", HTTPRequest.Method.get, "POST"), ("/v1/models", .post, "GET, HEAD"),
                ("/v1/messages", .delete, "POST"),
            ] {
                try await client.execute(uri: uri, method: method, headers: headers, body: chat) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                    #expect(HostileRequestTests.code(response.body) == "method_not_allowed")
                }
            }
            try await client.execute(uri: "/v1/completions", method: .post, headers: headers, body: chat) {
                #expect($0.status == .notFound)
                #expect(HostileRequestTests.code($0.body) == "not_found")
            }

            var plain = headers
            plain[.contentType] = "text/plain"
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: plain, body: chat) {
                #expect($0.status == .unsupportedMediaType)
                #expect(HostileRequestTests.code($0.body) == "unsupported_media_type")
            }

            // A GET route's body rule is answered in the data plane's shape, as its POST routes' are.
            var declared = headers
            declared[.contentLength] = String(64 << 20)
            try await client.execute(uri: "/v1/models", method: .get, headers: declared) { response in
                #expect(response.status == .contentTooLarge)
                #expect(HostileRequestTests.code(response.body) == "body_too_large")
                #expect(String(buffer: response.body).contains(#""param":null"#), "OpenAI's error object")
            }
            declared[HTTPField.Name("anthropic-version")!] = "2023-06-01"
            try await client.execute(uri: "/v1/credits", method: .get, headers: declared) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).hasPrefix(#"{"type":"error""#))
            }

            let listed = try await client.execute(uri: "/v1/models", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                return response.headers[.contentLength]
            }
            try await client.execute(uri: "/v1/models", method: .head, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.contentLength] == listed)
            }
            try await client.execute(uri: "/v1/credits", method: .head, headers: [:]) { response in
                #expect(response.status == .unauthorized, "HEAD is refused like GET without a key")
                #expect(response.body.readableBytes == 0)
            }
        }
    }
}
