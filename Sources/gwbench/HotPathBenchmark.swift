import ArgumentParser
import Foundation
import GatewayCore
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
/// plane's responder is called directly, one request after another: key lookup, admission with
/// credits, routing, the reply, accounting and the log line, and nothing of the HTTP server or
/// client. Each workload is a request body and a provider: `plain` and `tools` (an agent's turn:
/// two tools, an assistant tool call and its result) to the in-process `mock` type, and to an
/// OpenAI-format and an Anthropic-format provider answered in-process in their own wire format
/// (``LoopbackProviderAdapter``: the provider's body written and read, its answer written, read
/// and carried back), so the Anthropic one includes translation both ways. Rounds alternate
/// between workloads, so all see the same machine. Run it with `2>/dev/null` (the log lines go to
/// stderr, as gatewayd's do).
struct HotPathBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotpath",
        abstract: "gatewayd's own time per proxied request: the data plane called in-process, no network.")

    @Option(help: "Requests per round.") var requests = 20_000
    @Option(help: "Rounds; the fastest and the median are reported.") var rounds = 7
    @Option(help: "gatewayd's log level; warning leaves out the line per request, to see what it costs.")
    var logLevel: Logger.Level = .info
    @Option(
        help:
            "Workloads, comma-separated: plain (mock type), tools (mock type), plain-openai, tools-openai, plain-anthropic, tools-anthropic."
    )
    var workloads = "plain,tools,tools-openai,tools-anthropic"

    static let toolTurn =
        #""messages":[{"role":"system","content":"You are a travel assistant."},"#
        + #"{"role":"user","content":"What is the weather in Paris, and what time is it there?"},"#
        + #"{"role":"assistant","content":null,"tool_calls":[{"id":"call_w1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"unit\":\"c\"}"}},"#
        + #"{"id":"call_t1","type":"function","function":{"name":"get_time","arguments":"{\"zone\":\"Europe/Paris\"}"}}]},"#
        + #"{"role":"tool","tool_call_id":"call_w1","content":"18 C, light rain"},"#
        + #"{"role":"tool","tool_call_id":"call_t1","content":"14:05"}],"max_tokens":64,"temperature":0.2,"#
        + #""tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}}},"#
        + #"{"type":"function","function":{"name":"get_time","description":"Local time in a zone","parameters":{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}}}],"tool_choice":"auto""#

    func validate() throws {
        guard requests > 0, rounds > 0 else { throw ValidationError("--requests and --rounds must be at least 1") }
        for name in workloads.split(separator: ",") where Self.workload(String(name)) == nil {
            throw ValidationError("unknown workload '\(name)'")
        }
    }

    /// The model and body of a workload.
    static func workload(_ name: String) -> (model: String, body: String)? {
        let parts = name.split(separator: "-", maxSplits: 1).map(String.init)
        let body: String
        switch parts.first {
        case "plain": body = DataPlaneRun.prompt
        case "tools": body = toolTurn
        default: return nil
        }
        switch parts.count == 2 ? parts[1] : "mock" {
        case "mock": return ("bench/echo", body)
        case "openai": return ("bench/loop-openai", body)
        case "anthropic": return ("bench/loop-anthropic", body)
        default: return nil
        }
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
        var operations: [ChangeOperation] = []
        for (name, type) in [("loop-openai", ProviderType.openaiCompatible), ("loop-anthropic", .anthropic)] {
            var operation = ChangeOperation(
                op: .create, target: .provider(name),
                provider: ProviderRecord(
                    metadata: ResourceMetadata(name: name), type: type, baseURL: "http://loopback.invalid",
                    models: [
                        ProviderModel(
                            id: "bench/\(name)", upstream: name,
                            pricing: Pricing(inputPerMTokUSD: 0.1, outputPerMTokUSD: 0.1))
                    ]))
            operation.secret = "sk-loopback"
            operations.append(operation)
        }
        _ = try await store.apply(Changeset(operations: operations), actor: "gwbench")
        var logger = Logger(label: "gatewayd") { JSONLogHandler(label: $0) }
        logger.logLevel = logLevel
        let router = try GatewayApplication.router(
            store: store, tokens: AdminTokens(), configuration: GatewayConfiguration(), logger: logger,
            providers: LoopbackProviderAdapter())
        let responder = router.buildResponder()
        let context = BasicRequestContext(source: .init(channel: EmbeddedChannel(), logger: logger))
        let head = HTTPRequest(
            method: .post, scheme: "http", authority: "gatewayd", path: "/v1/chat/completions",
            headerFields: [.authorization: "Bearer \(key)", .contentType: "application/json"])
        let names = workloads.split(separator: ",").map(String.init)
        let bodies = names.map { name -> ByteBuffer in
            let (model, body) = Self.workload(name)!
            return ByteBuffer(string: #"{"model":"\#(model)","# + body + "}")
        }

        func round(_ body: ByteBuffer, _ count: Int) async throws -> Duration {
            let start = ContinuousClock.now
            for _ in 0..<count {
                let response = try await responder.respond(
                    to: Request(head: head, body: RequestBody(buffer: body)), context: context)
                guard response.status == .ok else { throw BenchmarkError("gatewayd answered \(response.status)") }
            }
            return ContinuousClock.now - start
        }
        for body in bodies { _ = try await round(body, min(requests, 2_000)) }
        var perRequest = Array(repeating: [Double](), count: names.count)
        for index in 1...rounds {
            for (workload, body) in bodies.enumerated() {
                let microseconds = seconds(try await round(body, requests)) * 1e6 / Double(requests)
                perRequest[workload].append(microseconds)
                print(
                    String(
                        format: "round %d %@: %d requests, %.2f µs per request", index, names[workload], requests,
                        microseconds))
            }
        }
        print()
        print("workload          fastest µs  median µs")
        for (workload, name) in names.enumerated() {
            print(
                name.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(
                        format: "%10.2f %10.2f", perRequest[workload].min() ?? 0, percentile(perRequest[workload], 0.5))
            )
        }
        if let same = names.firstIndex(of: "tools-openai"), let translated = names.firstIndex(of: "tools-anthropic") {
            let base = perRequest[same].min() ?? 0
            let cost = (perRequest[translated].min() ?? 0) - base
            print(
                String(
                    format: "translation (tools-anthropic − tools-openai, fastest rounds): %.2f µs, %+.1f%%", cost,
                    base > 0 ? cost / base * 100 : 0))
        }
    }
}

// A typo in --log-level is a usage error, not a silent fall back to info.
extension Logger.Level: @retroactive ExpressibleByArgument {}
