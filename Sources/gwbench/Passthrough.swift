import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatewayCore
import GatewayServer
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// `gwbench passthrough`: the floor of gatewayd's stack. A server that forwards each chat
/// request's bytes to the upstream and returns the answer's bytes: no key, no admission, no JSON,
/// no accounting, no log line. Measured beside gatewayd, it shows how much of gatewayd's cost is
/// the HTTP server and client it is built on, and how much is its own.
///
/// `--stack` picks the server and client: `hummingbird` is gatewayd's (Hummingbird and its
/// `UpstreamClient`); `hummingbird-ahc` has AsyncHTTPClient as the client, which gatewayd used
/// before; `nio` has a server written on SwiftNIO directly, with the same `UpstreamClient`.
struct Passthrough: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forward chat requests to an upstream as bytes (the HTTP stack's floor, for `dataplane`).",
        shouldDisplay: false)

    enum Stack: String, ExpressibleByArgument, CaseIterable {
        case hummingbird
        case hummingbirdAHC = "hummingbird-ahc"
        case nio
    }

    @Option(help: "The port to listen on.") var port: Int
    @Option(help: "The upstream base URL, e.g. http://127.0.0.1:8081/v1") var upstream: String
    @Option(help: "The bearer token sent upstream.") var upstreamKey = "sk-upstream"
    @Option(help: "The server and client: hummingbird (gatewayd's), hummingbird-ahc or nio.") var stack = Stack
        .hummingbird

    func run() async throws {
        var logger = Logger(label: "passthrough")
        logger.logLevel = .warning
        let url = upstream + "/chat/completions"
        let key = "Bearer " + upstreamKey
        // The client gatewayd calls providers with, so both have the same connection pool.
        let client = GatewayApplication.upstreamClient(GatewayConfiguration())
        let template = try UpstreamRequest(
            url: url, headers: ["content-type": "application/json", "authorization": key])
        if stack == .nio {
            try await NIOPassthrough.serve(port: port, upstream: client, request: template)
            return await client.shutdown()
        }
        let ahc =
            stack == .hummingbirdAHC
            ? HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: .init(
                    redirectConfiguration: .disallow,
                    connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 512)))
            : nil
        // The request's body to the upstream, and its answer's status and body back.
        let forward: @Sendable (ByteBuffer) async throws -> (status: UInt, body: ByteBuffer)
        if let ahc {
            forward = { body in
                var upstreamRequest = HTTPClientRequest(url: url)
                upstreamRequest.method = .POST
                upstreamRequest.headers.add(name: "content-type", value: "application/json")
                upstreamRequest.headers.add(name: "authorization", value: key)
                upstreamRequest.body = .bytes(body)
                let answer = try await ahc.execute(upstreamRequest, timeout: .seconds(30))
                return (answer.status.code, try await answer.body.collect(upTo: 1 << 20))
            }
        } else {
            forward = { body in
                var upstreamRequest = template
                upstreamRequest.body = body
                let answer = try await client.execute(upstreamRequest, timeout: .seconds(30))
                return (answer.status.code, try await answer.body.collect(upTo: 1 << 20))
            }
        }
        let router = Router()
        router.post("/v1/chat/completions") { request, _ -> Response in
            let answer = try await forward(try await request.body.collect(upTo: 1 << 20))
            return Response(
                status: .init(code: Int(answer.status)), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: answer.body))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        await client.shutdown()
        try await ahc?.shutdown()
    }
}
