import AsyncHTTPClient
import Foundation
import GatewayServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Idle and slow clients cannot hold gatewayd's connections: each is closed by its timeout while
/// requests go on being served, and past the cap a connection gets one clean refusal
/// (RELIABILITY.md, "Connections under abuse").
@Suite("Connection limits")
struct ConnectionLimitsTests {
    /// Keeps when the server closed the connection.
    final class Closing: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let opened = ContinuousClock.now
        let received = Mutex(ByteBuffer())
        let closedAfter = Mutex<Double?>(nil)

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            received.withLock { $0.writeBuffer(&bytes) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            let elapsed = ContinuousClock.now - opened
            closedAfter.withLock {
                $0 = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
        }
    }

    static func connect(port: Int) async throws -> (any Channel, Closing) {
        let closing = Closing()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(closing) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return (channel, closing)
    }

    static func application(_ fixture: GatewayFixture, limits: ConnectionLimits) throws -> some ApplicationProtocol {
        var configuration = GatewayConfiguration(port: 0, maxBodyBytes: 1 << 20)
        configuration.connections = limits
        return try GatewayApplication.application(
            store: fixture.store, tokens: fixture.tokens, configuration: configuration, logger: fixture.logger)
    }

    @Test func idleAndSlowHeaderConnectionsAreClosedWhileRequestsAreServed() async throws {
        let (fixture, key) = try await HostileRequestTests.prepared()
        defer { fixture.cleanup() }
        let limits = ConnectionLimits(
            headerTimeout: .seconds(2), bodyTimeout: .seconds(2), idleTimeout: .seconds(3), maxConnections: 2000)
        try await Self.application(fixture, limits: limits).test(.live) { client in
            let port = try #require(client.port)
            var idle: [(any Channel, Closing)] = []
            var slow: [(any Channel, Closing)] = []
            var stalledBodies: [(any Channel, Closing)] = []
            for _ in 0..<600 { idle.append(try await Self.connect(port: port)) }
            for _ in 0..<300 {
                let connection = try await Self.connect(port: port)
                try await connection.0.writeAndFlush(
                    ByteBuffer(string: "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                ).get()
                slow.append(connection)
            }
            for _ in 0..<50 {
                let connection = try await Self.connect(port: port)
                try await connection.0.writeAndFlush(
                    ByteBuffer(
                        string:
                            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\""
                    )
                ).get()
                stalledBodies.append(connection)
            }
            // The slow ones trickle a header byte every half second: trickling does not buy time.
            let trickle = Task {
                for _ in 0..<10 {
                    try await Task.sleep(for: .milliseconds(500))
                    for (channel, _) in slow where channel.isActive {
                        channel.writeAndFlush(ByteBuffer(string: "a"), promise: nil)
                    }
                }
            }
            // Meanwhile a client is served, on fresh connections and on one kept alive.
            var served = 0
            for _ in 0..<20 {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/models")
                request.headers.add(name: "authorization", value: "Bearer \(key)")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
                _ = try await response.body.collect(upTo: 1 << 20)
                if response.status == .ok { served += 1 }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(served == 20)
            let keptAlive = try await Self.connect(port: port)
            try await keptAlive.0.writeAndFlush(
                ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            ).get()
            try await Task.sleep(for: .seconds(5))
            trickle.cancel()

            func closedAfter(_ connections: [(any Channel, Closing)]) -> [Double?] {
                connections.map { $0.1.closedAfter.withLock { $0 } }
            }
            let idleTimes = closedAfter(idle).compactMap { $0 }
            let slowTimes = closedAfter(slow).compactMap { $0 }
            let bodyTimes = closedAfter(stalledBodies).compactMap { $0 }
            print(
                "connections: 600 idle closed \(idleTimes.count) (\(Self.range(idleTimes)) s), 300 slow-header closed "
                    + "\(slowTimes.count) (\(Self.range(slowTimes)) s), 50 stalled bodies closed \(bodyTimes.count) "
                    + "(\(Self.range(bodyTimes)) s); \(served) of 20 requests served meanwhile")
            #expect(idleTimes.count == 600 && slowTimes.count == 300 && bodyTimes.count == 50)
            #expect(idleTimes.allSatisfy { $0 > 1.5 && $0 < 4 }, "header timeout 2 s: \(Self.range(idleTimes))")
            #expect(slowTimes.allSatisfy { $0 > 1.5 && $0 < 4 }, "header timeout 2 s: \(Self.range(slowTimes))")
            #expect(bodyTimes.allSatisfy { $0 > 1.5 && $0 < 4 }, "body timeout 2 s: \(Self.range(bodyTimes))")
            // The kept-alive connection got its answer, then was closed by the idle timeout (3 s).
            let answered = keptAlive.1.received.withLock { String(buffer: $0) }
            #expect(answered.hasPrefix("HTTP/1.1 200"))
            let keptAliveClosed = try #require(keptAlive.1.closedAfter.withLock { $0 })
            #expect(keptAliveClosed > 2.5 && keptAliveClosed < 4.5, "idle timeout 3 s: \(keptAliveClosed)")
        }
    }

    @Test func pastTheCapAConnectionGetsOneCleanRefusal() async throws {
        let (fixture, _) = try await HostileRequestTests.prepared()
        defer { fixture.cleanup() }
        // Long timeouts: the held connections must outlast a loaded test run.
        let limits = ConnectionLimits(headerTimeout: .seconds(120), idleTimeout: .seconds(120), maxConnections: 40)
        try await Self.application(fixture, limits: limits).test(.live) { client in
            let port = try #require(client.port)
            var held: [(any Channel, Closing)] = []
            for _ in 0..<40 { held.append(try await Self.connect(port: port)) }
            try await Task.sleep(for: .milliseconds(200))
            let extra = try await Self.connect(port: port)
            try await extra.0.writeAndFlush(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")).get()
            try await extra.0.closeFuture.get()
            let answer = extra.1.received.withLock { String(buffer: $0) }
            #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer)")
            #expect(answer.lowercased().contains("connection: close"))
            #expect(answer.contains(#""code":"overloaded""#))
            // Once connections go, new ones are served again.
            for (channel, _) in held { try? await channel.close() }
            try await Task.sleep(for: .milliseconds(200))
            let after = try await HostileRequestTests.exchange(
                Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8), port: port)
            #expect(after.hasPrefix("HTTP/1.1 200"), "\(after)")
        }
    }

    static func range(_ values: [Double]) -> String {
        guard let low = values.min(), let high = values.max() else { return "none" }
        return String(format: "%.2f–%.2f", low, high)
    }
}
