import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatewayServer
import Hummingbird
import Logging
import NIOCore

/// `gwbench passthrough`: the floor of gatewayd's stack. A Hummingbird server that forwards each
/// chat request's bytes to the upstream with AsyncHTTPClient and returns the answer's bytes: no
/// key, no admission, no JSON, no accounting, no log line. Measured beside gatewayd, it shows how
/// much of gatewayd's cost is the HTTP server and client it is built on, and how much is its own.
struct Passthrough: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forward chat requests to an upstream as bytes (the HTTP stack's floor, for `dataplane`).",
        shouldDisplay: false)

    @Option(help: "The port to listen on.") var port: Int
    @Option(help: "The upstream base URL, e.g. http://127.0.0.1:8081/v1") var upstream: String
    @Option(help: "The bearer token sent upstream.") var upstreamKey = "sk-upstream"

    func run() async throws {
        var logger = Logger(label: "passthrough")
        logger.logLevel = .warning
        let router = Router()
        let url = upstream + "/chat/completions"
        let key = "Bearer " + upstreamKey
        // The client gatewayd calls providers with, so both have the same connection pool.
        let client = GatewayApplication.upstreamClient(GatewayConfiguration())
        router.post("/v1/chat/completions") { request, _ -> Response in
            var upstreamRequest = HTTPClientRequest(url: url)
            upstreamRequest.method = .POST
            upstreamRequest.headers.add(name: "content-type", value: "application/json")
            upstreamRequest.headers.add(name: "authorization", value: key)
            upstreamRequest.body = .bytes(try await request.body.collect(upTo: 1 << 20))
            let answer = try await client.execute(upstreamRequest, timeout: .seconds(30))
            let body = try await answer.body.collect(upTo: 1 << 20)
            return Response(
                status: .init(code: Int(answer.status.code)), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: body))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        try await client.shutdown()
    }
}
