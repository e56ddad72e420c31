import Foundation
import GatewayModel
import GatewayServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import StoreFixtures
import TestSupport
import Testing

/// Malformed, oversized, mislabelled and hostile requests at the admin API and the data plane:
/// every refusal is a clean 4xx with a JSON body and a stable code, nothing answers 5xx, and
/// credentials of one plane never open the other.
@Suite("Hostile requests")
struct HostileRequestTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["GWCTL_FUZZ_SEED"] ?? "") ?? 0x4057_11E
    static let iterations = Int(ProcessInfo.processInfo.environment["GWCTL_FUZZ_ITERATIONS"] ?? "") ?? 1_500

    /// A fixture with one team, one key on the in-process mock provider; returns its key secret.
    static func prepared() async throws -> (GatewayFixture, String) {
        let fixture = try GatewayFixture()
        let result = try await fixture.store.apply(
            Changeset(operations: [
                Sample.create(provider: Sample.provider()), Sample.create(team: Sample.team("payments")),
                Sample.create(key: Sample.key("payments", "checkout")),
            ]), actor: "setup")
        return (fixture, try #require(result.results.last?.secret))
    }

    /// The stable code of an error body, whichever plane's shape it has.
    static func code(_ body: ByteBuffer) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return nil }
        return error["code"] as? String ?? (object["gateway"] as? [String: Any])?["code"] as? String
            ?? ((error["gateway"] as? [String: Any])?["code"] as? String)
    }

    static let valid: [(uri: String, body: String)] = [
        ("/v1/chat/completions", #"{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}"#),
        ("/v1/messages", #"{"model":"mock/echo","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"#),
        ("/v1/embeddings", #"{"model":"mock/echo","input":"hi"}"#),
        ("/admin/v1/explain", #"{"key":"gw_nothing","model":"mock/echo"}"#),
        (
            "/admin/v1/changesets",
            #"{"operations":[{"op":"delete","target":{"kind":"team","name":"ghost"},"ifRevision":3}]}"#
        ),
        ("/admin/v1/teams/payments/credits", #"{"amountMicroUSD":5}"#),
    ]

    static let shapes: [String] = [
        "", "null", "[]", "{}", #"{"model":1}"#, #"{"model":"mock/echo","messages":"x"}"#,
        String(repeating: "[", count: 100_000), String(repeating: #"{"a":"#, count: 20_000),
        #"{"model":"mock/echo","n":1e999999}"#, #"{"model":"mock/echo","model":"other"}"#,
        "{\"model\":\"mock/echo\u{0}\"}", #"{"operations":[{"op":"explode"}]}"#,
        #"{"key":"","model":""}"#, #"{"amountMicroUSD":99999999999999999999999}"#,
    ]

    static let contentTypes: [String?] = [
        "application/json", nil, "text/plain", "application/json; charset=latin1", "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
    ]

    @Test func malformedBodiesGetACleanFourHundredWithACode() async throws {
        let (fixture, key) = try await Self.prepared()
        defer { fixture.cleanup() }
        let app = Application(router: try fixture.router())
        var random = SeededRandom(seed: Self.seed)
        let requests: [(uri: String, contentType: String?, body: [UInt8])] = (0..<Self.iterations).map { _ in
            let (uri, valid) = Self.valid[random.next(below: Self.valid.count)]
            let bytes: [UInt8]
            switch random.next(below: 4) {
            case 0: bytes = Array(Self.shapes[random.next(below: Self.shapes.count)].utf8)
            case 1: bytes = (0..<random.next(below: 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            default:
                bytes = Mutator.mutate(
                    Array(valid.utf8), corpus: Self.valid.map { Array($0.body.utf8) }, random: &random)
            }
            let type = Self.contentTypes[random.chance(0.7) ? 0 : random.next(below: Self.contentTypes.count)]
            return (uri, type, bytes)
        }
        let statuses = try await app.test(.router) { client in
            var statuses: [Int: Int] = [:]
            for (iteration, request) in requests.enumerated() {
                var headers = HTTPFields()
                let admin = request.uri.hasPrefix("/admin")
                headers[.authorization] = "Bearer \(admin ? GatewayFixture.writerToken : key)"
                if let type = request.contentType { headers[.contentType] = type }
                let status = try await client.execute(
                    uri: request.uri, method: .post, headers: headers, body: ByteBuffer(bytes: request.body)
                ) { response in
                    let status = Int(response.status.code)
                    #expect(
                        status < 500,
                        "iteration \(iteration) \(request.uri): \(status) \(String(buffer: response.body))")
                    if status >= 400 {
                        #expect(
                            Self.code(response.body) != nil,
                            "iteration \(iteration) \(request.uri): \(String(buffer: response.body))")
                    }
                    return status
                }
                statuses[status, default: 0] += 1
            }
            // Bodies past the limit are refused before they are read, on both planes.
            let huge = ByteBuffer(repeating: UInt8(ascii: "x"), count: 2 << 20)
            for (uri, _) in Self.valid {
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(uri.hasPrefix("/admin") ? GatewayFixture.writerToken : key)"
                headers[.contentType] = "application/json"
                try await client.execute(uri: uri, method: .post, headers: headers, body: huge) { response in
                    #expect(response.status == .contentTooLarge, "\(uri)")
                    #expect(Self.code(response.body) != nil)
                }
            }
            return statuses
        }
        print("hostile bodies: \(Self.iterations) requests, statuses \(statuses.sorted { $0.key < $1.key })")
        #expect(statuses.keys.contains { $0 >= 400 })
    }

    @Test func adminTokensAreNotKeysAndKeysAreNotAdminTokens() async throws {
        let (fixture, key) = try await Self.prepared()
        defer { fixture.cleanup() }
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            for token in [GatewayFixture.writerToken, GatewayFixture.readerToken] {
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(token)"
                try await client.execute(uri: "/v1/models", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(Self.code(response.body) == "invalid_api_key")
                }
                headers[.init("x-api-key")!] = token
                headers[.contentType] = "application/json"
                try await client.execute(
                    uri: "/v1/messages", method: .post, headers: headers, body: ByteBuffer(string: Self.valid[1].body)
                ) { #expect($0.status == .unauthorized) }
            }
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(key)"
            for uri in ["/admin/v1/state", "/admin/v1/teams/payments", "/admin/v1/audit"] {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(Self.code(response.body) == "unauthorized")
                }
            }
        }
    }

    /// Raw bytes on a socket: what an HTTP client library would never send.
    @Test func brokenHTTPIsRefusedAndTheServerKeepsServing() async throws {
        let (fixture, key) = try await Self.prepared()
        defer { fixture.cleanup() }
        let app = Application(
            router: try fixture.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let requests = [
                // Header injection: a bare CR or LF, or NUL, inside a header value.
                "GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\rX-Injected: 1\r\n\r\n",
                "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-A: a\nAuthorization: Bearer \(GatewayFixture.writerToken)\r\n\r\n",
                "GET /admin/v1/state HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(GatewayFixture.writerToken)\u{0}x\r\n\r\n",
                // Smuggling: both framings, or a negative length.
                "POST /admin/v1/changesets HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                // A header far past any sane size, and a request line of garbage.
                "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n",
                "\u{1}\u{2}\u{3} / HTTP/9.9\r\n\r\n",
            ]
            var outcomes: [String] = []
            for request in requests {
                let answer = try await Self.exchange(Array(request.utf8), port: port)
                let status = answer.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
                outcomes.append(status.map(String.init) ?? "closed")
                // Refused (4xx) or hung up on; never accepted, never a server error.
                if let status { #expect((400..<500).contains(status), "\(request.prefix(60)): \(answer.prefix(200))") }
            }
            print("broken HTTP: \(requests.count) requests answered \(outcomes)")
            // Still serving.
            let healthy = try await Self.exchange(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8), port: port)
            #expect(healthy.hasPrefix("HTTP/1.1 200"), "\(healthy)")
        }
    }

    /// Sends `bytes` and reads the answer until the server closes or a second passes.
    static func exchange(_ bytes: [UInt8], port: Int) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try? await outbound.write(ByteBuffer(bytes: bytes))
            var answer = ByteBuffer()
            let reading = Task {
                var collected = ByteBuffer()
                do {
                    for try await var chunk in inbound {
                        collected.writeBuffer(&chunk)
                        if String(buffer: collected).contains("\r\n\r\n") { break }
                    }
                } catch {}
                return collected
            }
            let timeout = Task {
                try await Task.sleep(for: .seconds(2))
                reading.cancel()
            }
            answer = await reading.value
            timeout.cancel()
            return String(buffer: answer)
        }
    }
}
