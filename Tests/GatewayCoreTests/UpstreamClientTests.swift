import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Testing

@testable import GatewayCore

#if canImport(Glibc)
    import Glibc
#endif

@Suite("UpstreamClient", .timeLimit(.minutes(1)))
struct UpstreamClientTests {
    /// A client on a one-loop group of its own, so its connection counts are exact.
    static func withClient(
        connections: Int = 8, tls: TLSConfiguration = .makeClientConfiguration(),
        _ body: (UpstreamClient) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = UpstreamClient(
            group: group, configuration: .init(connectionsPerEndpoint: connections, tls: tls))
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        await client.shutdown()
        try await group.shutdownGracefully()
    }

    static func request(
        _ upstream: ScriptedUpstream, _ path: String = "/v1/chat/completions", body: String = "{}"
    )
        throws -> UpstreamRequest
    {
        try UpstreamRequest(
            url: "http://127.0.0.1:\(upstream.port)\(path)", headers: ["authorization": "Bearer sk-test"],
            body: ByteBuffer(string: body))
    }

    @Test func answersAreReadWholeAndConnectionsKeptForTheNextRequest() async throws {
        let upstream = try await ScriptedUpstream { seen in .json(#"{"n":\#(seen.indexOnConnection)}"#) }
        try await Self.withClient { client in
            for expected in 1...3 {
                let answer = try await client.execute(
                    try Self.request(upstream, body: #"{"model":"m"}"#), timeout: .seconds(5))
                #expect(answer.status == .ok)
                #expect(answer.body.whole.map { String(buffer: $0) } == #"{"n":\#(expected)}"#)
            }
        }
        #expect(upstream.connections == 1)
        let first = try #require(upstream.seen.first)
        #expect(first.head.uri == "/v1/chat/completions")
        #expect(first.head.headers["host"] == ["127.0.0.1:\(upstream.port)"])
        #expect(first.head.headers["content-length"] == ["13"])
        #expect(first.head.headers["authorization"] == ["Bearer sk-test"])
        #expect(first.body == #"{"model":"m"}"#)
        try await upstream.stop()
    }

    @Test func aStreamedAnswerIsHandedOverBeforeItEnds() async throws {
        // The provider holds the rest of its answer until the test has the head and first part:
        // a client that waited for the end would never return.
        let upstream = try await ScriptedUpstream { _ in .partsHeldBack(["one ", "two ", "three"]) }
        try await Self.withClient { client in
            let answer = try await client.execute(try Self.request(upstream), timeout: .seconds(30), streaming: true)
            #expect(answer.body.whole == nil)
            var iterator = answer.body.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first.map { String(buffer: $0) } == "one ")
            upstream.release()
            var rest = ""
            while let part = try await iterator.next() { rest += String(buffer: part) }
            #expect(rest == "two three")
        }
        try await upstream.stop()
    }

    @Test func aConnectionCarriesTheNextRequestOnceAStreamedAnswerIsRead() async throws {
        let upstream = try await ScriptedUpstream { seen in
            seen.head.uri == "/stream" ? .parts(["a", "b", "c"], pause: .milliseconds(5)) : .json("{}")
        }
        try await Self.withClient { client in
            for _ in 0..<3 {
                let answer = try await client.execute(
                    try Self.request(upstream, "/stream"), timeout: .seconds(30), streaming: true)
                var text = ""
                for try await part in answer.body { text += String(buffer: part) }
                #expect(text == "abc")
                // The stream's end must not touch the exchange the connection carries next.
                let next = try await client.execute(try Self.request(upstream, "/whole"), timeout: .seconds(30))
                #expect(next.body.whole.map { String(buffer: $0) } == "{}")
            }
        }
        #expect(upstream.connections == 1)
        try await upstream.stop()
    }

    @Test func aStreamWhoseReaderGoesAwayClosesItsConnection() async throws {
        let upstream = try await ScriptedUpstream { _ in .partsHeldBack(["first", "never read"]) }
        try await Self.withClient { client in
            do {
                let answer = try await client.execute(
                    try Self.request(upstream), timeout: .seconds(30), streaming: true)
                var iterator = answer.body.makeAsyncIterator()
                _ = try await iterator.next()
            }
            // The reader is gone; the provider sees its connection closed.
            let deadline = ContinuousClock.now + .seconds(20)
            while upstream.openConnections > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(upstream.openConnections == 0)
        }
        try await upstream.stop()
    }

    @Test func aSilentProviderTimesOut() async throws {
        let upstream = try await ScriptedUpstream { _ in .silence }
        try await Self.withClient { client in
            await #expect(throws: UpstreamClientError.timeout) {
                _ = try await client.execute(try Self.request(upstream), timeout: .milliseconds(200))
            }
        }
        try await upstream.stop()
    }

    @Test func aStreamThatStallsTimesOutBetweenParts() async throws {
        let upstream = try await ScriptedUpstream { _ in .parts(["one", "two"], pause: .seconds(10)) }
        try await Self.withClient { client in
            let answer = try await client.execute(
                try Self.request(upstream), timeout: .seconds(1), streaming: true)
            var parts: [String] = []
            await #expect(throws: UpstreamClientError.timeout) {
                for try await part in answer.body { parts.append(String(buffer: part)) }
            }
            #expect(parts == ["one"])
        }
        try await upstream.stop()
    }

    @Test func aRefusedConnectionIsAConnectFailure() async throws {
        // A port bound but not listening refuses connections, and stays ours for the test: a port
        // freed by a stopped server could be taken by another test's server meanwhile.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        try await Self.withClient { client in
            do {
                _ = try await client.execute(
                    try UpstreamRequest(url: "http://127.0.0.1:\(port)/v1/x"), timeout: .seconds(60))
                Issue.record("a closed port answered")
            } catch let error as UpstreamClientError {
                guard case .connectFailed(let reason) = error else { throw error }
                #expect(reason.contains("127.0.0.1:\(port)"))
            }
        }
    }

    @Test func aRequestDroppedOnAReusedConnectionIsSentOnceMoreOnANewOne() async throws {
        // The second request on every connection is dropped unanswered, as when a provider closes
        // a connection that sat idle just as the request went out.
        let upstream = try await ScriptedUpstream { seen in
            seen.indexOnConnection == 2 ? .hangUp : .json(#"{"connection":\#(seen.connection)}"#)
        }
        try await Self.withClient { client in
            _ = try await client.execute(try Self.request(upstream), timeout: .seconds(5))
            let answer = try await client.execute(try Self.request(upstream), timeout: .seconds(5))
            #expect(answer.body.whole.map { String(buffer: $0) } == #"{"connection":2}"#)
        }
        #expect(upstream.connections == 2)
        try await upstream.stop()
    }

    @Test func aRequestDroppedOnAFreshConnectionFails() async throws {
        let upstream = try await ScriptedUpstream { _ in .hangUp }
        try await Self.withClient { client in
            await #expect(throws: UpstreamClientError.connectionClosed) {
                _ = try await client.execute(try Self.request(upstream), timeout: .seconds(5))
            }
        }
        #expect(upstream.seen.count == 1)
        try await upstream.stop()
    }

    @Test func requestsBeyondTheConnectionLimitWaitForAFreeConnection() async throws {
        let upstream = try await ScriptedUpstream { seen in
            .parts([#"{"i":\#(seen.indexOnConnection)}"#], pause: .milliseconds(50))
        }
        try await Self.withClient(connections: 2) { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let answer = try await client.execute(try Self.request(upstream), timeout: .seconds(10))
                        return answer.status.code == 200 ? 1 : 0
                    }
                }
                var answered = 0
                for try await ok in group { answered += ok }
                #expect(answered == 6)
            }
        }
        #expect(upstream.mostOpenAtOnce <= 2)
        #expect(upstream.seen.count == 6)
        try await upstream.stop()
    }

    @Test func anAnswerLargerThanTheLimitIsRefused() async throws {
        let upstream = try await ScriptedUpstream { _ in .json(String(repeating: "x", count: 4096)) }
        try await Self.withClient { client in
            await #expect(throws: UpstreamClientError.bodyTooLarge(limit: 1024)) {
                _ = try await client.execute(try Self.request(upstream), timeout: .seconds(5), wholeBodyLimit: 1024)
            }
            // The cut-off connection is not reused; the next request gets a whole answer on a new one.
            let answer = try await client.execute(try Self.request(upstream), timeout: .seconds(5))
            #expect(answer.body.whole?.readableBytes == 4096)
        }
        #expect(upstream.connections == 2)
        try await upstream.stop()
    }

    @Test func aCancelledRequestEndsAtOnce() async throws {
        let upstream = try await ScriptedUpstream { _ in .silence }
        try await Self.withClient { client in
            let task = Task { try await client.execute(try Self.request(upstream), timeout: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            await #expect(throws: UpstreamClientError.cancelled) { _ = try await task.value }
        }
        try await upstream.stop()
    }

    @Test(arguments: ["localhost", "127.0.0.1"])
    func httpsIsSpokenToAProviderWhoseCertificateIsTrusted(host: String) async throws {
        let upstream = try await ScriptedUpstream(tls: try TestCertificate.serverContext()) { _ in .json("{}") }
        try await Self.withClient(tls: try TestCertificate.clientConfiguration()) { client in
            let answer = try await client.execute(
                try UpstreamRequest(url: "https://\(host):\(upstream.port)/v1/chat/completions"), timeout: .seconds(30))
            #expect(answer.body.whole.map { String(buffer: $0) } == "{}")
        }
        #expect(upstream.seen.first?.head.headers["host"] == ["\(host):\(upstream.port)"])
        try await upstream.stop()
    }

    @Test func aProviderWhoseCertificateIsNotTrustedGetsNoRequest() async throws {
        let upstream = try await ScriptedUpstream(tls: try TestCertificate.serverContext()) { _ in .json("{}") }
        // The system's trust roots do not include the test's self-signed certificate.
        try await Self.withClient { client in
            await #expect(throws: UpstreamClientError.self) {
                _ = try await client.execute(
                    try UpstreamRequest(url: "https://localhost:\(upstream.port)/v1/chat/completions"),
                    timeout: .seconds(30))
            }
        }
        #expect(upstream.seen.isEmpty)
        try await upstream.stop()
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/v1/chat", false, "127.0.0.1", 8080, "/v1/chat", "127.0.0.1:8080"),
        ("https://api.openai.com/v1/embeddings", true, "api.openai.com", 443, "/v1/embeddings", "api.openai.com"),
        ("http://example.com", false, "example.com", 80, "/", "example.com"),
        (
            "https://h.example/openai/x?api-version=1#frag", true, "h.example", 443, "/openai/x?api-version=1",
            "h.example"
        ),
        ("http://[::1]:9000/v1", false, "::1", 9000, "/v1", "[::1]:9000"),
        ("http://h.example:81?x=1", false, "h.example", 81, "/?x=1", "h.example:81"),
    ])
    func urlsSplitIntoEndpointAndTarget(
        url: String, tls: Bool, host: String, port: Int, target: String, hostHeader: String
    ) throws {
        let request = try UpstreamRequest(url: url)
        #expect(request.endpoint == UpstreamEndpoint(tls: tls, host: host, port: port))
        #expect(request.target == target)
        #expect(request.head.headers["host"] == [hostHeader])
    }

    @Test(arguments: [
        "ftp://h/x", "http://", "http://h:0/x", "http://h:99999/", "http://h:x/", "//h/x", "http://[::1/x",
    ])
    func urlsThatAreNotHTTPAreRefused(url: String) {
        #expect(throws: UpstreamClientError.invalidURL(url)) { try UpstreamRequest(url: url) }
    }

    @Test func aURLWithCredentialsIsRefusedWithoutRepeatingThem() {
        #expect(throws: UpstreamClientError.credentialsInURL) {
            try UpstreamRequest(url: "https://svc:hunter2@proxy.example/v1")
        }
        #expect(!UpstreamClientError.credentialsInURL.description.contains("hunter2"))
    }
}
