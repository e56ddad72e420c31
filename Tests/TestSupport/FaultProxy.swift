import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 proxy on 127.0.0.1 that forwards to one upstream and, for a given share of the
/// requests, misbehaves the way networks and load balancers do: answers 503 itself, resets the
/// connection (before or after the upstream saw the request), stalls and then hangs up, or
/// dribbles the response body out slowly. Put it between gwctl and gatewayd's admin API, or
/// between gatewayd and an upstream, to test what survives.
///
/// Decisions come from a seeded generator, so a failing run can be replayed with its seed.
public final class FaultProxy: Sendable {
    /// What the proxy can do to a request.
    public enum Fault: String, Sendable, CaseIterable, Hashable {
        /// Answer `503 {"error":{"code":"injected_fault"}}` without forwarding.
        case serverError
        /// Reset the connection without forwarding: the upstream never sees the request.
        case resetBeforeForwarding
        /// Forward, wait for the whole answer, then reset: the upstream acted, the client never hears.
        case resetAfterForwarding
        /// Forward, hold the answer for `stall`, then hang up.
        case stall
        /// Forward, then send the answer's body in small pieces with pauses (complete, just slow).
        case slowBody
    }

    /// The share of requests that get a fault, and which faults.
    public struct Configuration: Sendable {
        public var rate: Double
        public var faults: [Fault]
        public var seed: UInt64
        public var stall: Duration
        /// Pause between pieces of a slow body; a body goes out in at most 20 pieces.
        public var slowPause: Duration
        /// Only requests with one of these methods get faults (nil: all).
        public var methods: Set<String>?

        public init(
            rate: Double, faults: [Fault] = Fault.allCases, seed: UInt64 = 1, stall: Duration = .milliseconds(1500),
            slowPause: Duration = .milliseconds(20), methods: Set<String>? = nil
        ) {
            self.rate = rate
            self.faults = faults
            self.seed = seed
            self.stall = stall
            self.slowPause = slowPause
            self.methods = methods
        }
    }

    /// The port the proxy listens on, on 127.0.0.1.
    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }

    private let upstream: String
    private let configuration: Configuration
    private let state: Mutex<(random: SeededRandom, counts: [Fault: Int], requests: Int)>
    private let client: HTTPClient

    private init(port: Int, upstream: String, configuration: Configuration, client: HTTPClient) {
        self.port = port
        self.upstream = upstream
        self.configuration = configuration
        self.client = client
        state = Mutex((SeededRandom(seed: configuration.seed), [:], 0))
    }

    /// Requests seen, and faults injected by kind.
    public var injected: (requests: Int, faults: [Fault: Int]) {
        state.withLock { ($0.requests, $0.counts) }
    }

    /// Runs `body` with a proxy in front of `upstream` (e.g. `http://127.0.0.1:8080`), then stops it.
    public static func run<T: Sendable>(
        upstream: String, _ configuration: Configuration, _ body: (FaultProxy) async throws -> T
    ) async throws -> T {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let proxy = FaultProxy(
            port: server.channel.localAddress?.port ?? 0, upstream: upstream, configuration: configuration,
            client: client)
        let serving = Task {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await proxy.serve(connection) }
                    }
                }
            }
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(proxy))
        } catch {
            result = .failure(error)
        }
        server.channel.close(promise: nil)
        serving.cancel()
        _ = await serving.result
        try await client.shutdown()
        return try result.get()
    }

    private func decide(_ head: HTTPRequestHead) -> Fault? {
        state.withLock { state in
            state.requests += 1
            if let methods = configuration.methods, !methods.contains(head.method.rawValue) { return nil }
            guard !configuration.faults.isEmpty, state.random.chance(configuration.rate) else { return nil }
            let fault = configuration.faults[state.random.next(below: configuration.faults.count)]
            state.counts[fault, default: 0] += 1
            return fault
        }
    }

    /// One client connection: requests one after another (keep-alive) until the client or a fault closes it.
    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var parts = inbound.makeAsyncIterator()
            while let request = try await Self.readRequest(&parts) {
                let fault = decide(request.head)
                switch fault {
                case .serverError:
                    try await Self.write(
                        status: .serviceUnavailable, headers: ["content-type": "application/json"],
                        body: ByteBuffer(
                            string: #"{"error":{"code":"injected_fault","message":"the fault proxy answered 503"}}"#),
                        to: outbound)
                    continue
                case .resetBeforeForwarding:
                    try await Self.reset(connection.channel)
                    return
                default: break
                }
                let answer: (HTTPResponseStatus, HTTPHeaders, ByteBuffer)
                do {
                    answer = try await forward(request)
                } catch {
                    try await Self.write(
                        status: .badGateway, headers: ["content-type": "application/json"],
                        body: ByteBuffer(string: #"{"error":{"code":"upstream_unreachable","message":"fault proxy"}}"#),
                        to: outbound)
                    continue
                }
                switch fault {
                case .resetAfterForwarding:
                    try await Self.reset(connection.channel)
                    return
                case .stall:
                    try await Task.sleep(for: configuration.stall)
                    return
                case .slowBody:
                    try await Self.write(
                        status: answer.0, headers: answer.1, body: answer.2, to: outbound,
                        pause: configuration.slowPause)
                default:
                    try await Self.write(status: answer.0, headers: answer.1, body: answer.2, to: outbound)
                }
                if !request.head.isKeepAlive { return }
            }
        }
    }

    private struct Request {
        var head: HTTPRequestHead
        var body: ByteBuffer
    }

    private static func readRequest(
        _ parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    ) async throws -> Request? {
        guard case .head(let head)? = try await parts.next() else { return nil }
        var body = ByteBuffer()
        while let part = try await parts.next() {
            switch part {
            case .body(var chunk): body.writeBuffer(&chunk)
            case .end: return Request(head: head, body: body)
            case .head: return nil
            }
        }
        return nil
    }

    private func forward(_ request: Request) async throws -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer) {
        var outgoing = HTTPClientRequest(url: upstream + request.head.uri)
        outgoing.method = request.head.method
        for (name, value) in request.head.headers
        where !["host", "connection", "content-length", "transfer-encoding"].contains(name.lowercased()) {
            outgoing.headers.add(name: name, value: value)
        }
        if request.body.readableBytes > 0 || request.head.method == .POST {
            outgoing.body = .bytes(request.body)
        }
        let response = try await client.execute(outgoing, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 1 << 30)
        var headers = HTTPHeaders()
        for (name, value) in response.headers
        where !["connection", "content-length", "transfer-encoding"].contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        return (response.status, headers, body)
    }

    private static func write(
        status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, pause: Duration? = nil
    ) async throws {
        var headers = headers
        headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        if let pause {
            var rest = body
            let piece = max(64, body.readableBytes / 20 + 1)
            while let chunk = rest.readSlice(length: min(piece, rest.readableBytes)), chunk.readableBytes > 0 {
                try await outbound.write(.body(.byteBuffer(chunk)))
                try await Task.sleep(for: pause)
            }
        } else if body.readableBytes > 0 {
            try await outbound.write(.body(.byteBuffer(body)))
        }
        try await outbound.write(.end(nil))
    }

    /// Closes with SO_LINGER 0, so the peer gets a TCP reset rather than an orderly close.
    private static func reset(_ channel: any Channel) async throws {
        if let socket = channel as? any SocketOptionProvider {
            try await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try await channel.close()
    }
}
