import ArgumentParser
import Foundation
import GatewayModel
import GatewayServer
import GatewayStore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded

/// `gwbench hotpath`: gatewayd's own work per proxied request, without a network.
///
/// `gwbench dataplane` measures gatewayd as users run it, but wrk, the mock and gatewayd share two
/// cores, so its numbers move by a third between runs and hide a change of 10%. Here the data
/// plane's responder is called directly, one request after another, over a `mock` provider (answered
/// in-process): key lookup, admission with credits, routing, the reply, accounting and the log line,
/// and nothing of the HTTP server or client. Run it with `2>/dev/null` (the log lines go to stderr,
/// as gatewayd's do).
struct HotPathBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotpath",
        abstract: "gatewayd's own time per proxied request: the data plane called in-process, no network.")

    @Option(help: "Requests per round.") var requests = 20_000
    @Option(help: "Rounds; the fastest and the median are reported.") var rounds = 7
    @Option(help: "gatewayd's log level; warning leaves out the line per request, to see what it costs.")
    var logLevel = "info"

    func validate() throws {
        guard requests > 0, rounds > 0 else { throw ValidationError("--requests and --rounds must be at least 1") }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwbench-hotpath-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try StateFiles(statePath: directory.appendingPathComponent("state.db").path).openStore(
            environment: [:], create: true)
        let key = try await DataPlaneRun.benchTeam(
            in: store,
            provider: ProviderRecord(
                metadata: ResourceMetadata(name: "bench"), type: .mock,
                models: [
                    ProviderModel(id: "bench/echo", pricing: Pricing(inputPerMTokUSD: 0.1, outputPerMTokUSD: 0.1))
                ]),
            secret: nil)
        var logger = Logger(label: "gatewayd") { JSONLogHandler(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let router = try GatewayApplication.router(
            store: store, tokens: AdminTokens(), configuration: GatewayConfiguration(), logger: logger)
        let responder = router.buildResponder()
        let context = BasicRequestContext(source: .init(channel: EmbeddedChannel(), logger: logger))
        let body = ByteBuffer(string: #"{"model":"bench/echo",\#(DataPlaneRun.prompt)}"#)
        let head = HTTPRequest(
            method: .post, scheme: "http", authority: "gatewayd", path: "/v1/chat/completions",
            headerFields: [.authorization: "Bearer \(key)", .contentType: "application/json"])

        func round(_ count: Int) async throws -> Duration {
            let start = ContinuousClock.now
            for _ in 0..<count {
                let response = try await responder.respond(
                    to: Request(head: head, body: RequestBody(buffer: body)), context: context)
                guard response.status == .ok else { throw BenchmarkError("gatewayd answered \(response.status)") }
            }
            return ContinuousClock.now - start
        }
        _ = try await round(min(requests, 2_000))
        var perRequest: [Double] = []
        for index in 1...rounds {
            let microseconds = seconds(try await round(requests)) * 1e6 / Double(requests)
            perRequest.append(microseconds)
            print(String(format: "round %d: %d requests, %.2f µs per request", index, requests, microseconds))
        }
        print(
            String(
                format: "median %.2f µs per request (min %.2f, max %.2f) over %d rounds", percentile(perRequest, 0.5),
                perRequest.min() ?? 0, perRequest.max() ?? 0, rounds))
    }
}
