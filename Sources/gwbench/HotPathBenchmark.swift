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
        help: """
            Workloads, comma-separated: plain and tools (to the mock type), plain-openai, tools-openai, plain-anthropic, \
            tools-anthropic (to the loopback providers), wire-openai and wire-anthropic (only gatewayd's wire work \
            for a tool turn's provider exchange: the provider's body built and written, its answer read and \
            carried back; the difference is what translation costs, without the rest of the path's noise), \
            plain-jwt (plain, authenticated with one ES256 OIDC token instead of a key: the warm path) and \
            plain-jwt-fresh (a new token per request: each signature verified).
            """)
    var workloads = "plain,tools,tools-openai,tools-anthropic,wire-openai,wire-anthropic"
    @Option(help: "Requests before the measured rounds, per workload (0 for instruction counts under callgrind).")
    var warmup = 2_000

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
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        for name in workloads.split(separator: ",") where Self.workload(String(name)) == nil && !name.hasPrefix("wire-")
        {
            throw ValidationError("unknown workload '\(name)'")
        }
    }

    /// The model and body of a workload.
    static func workload(_ name: String) -> (model: String, body: String)? {
        let parts = name.replacingOccurrences(of: "-jwt-fresh", with: "").replacingOccurrences(of: "-jwt", with: "")
            .split(separator: "-", maxSplits: 1).map(String.init)
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
                payload: .provider(
                    ProviderRecord(
                        metadata: ResourceMetadata(name: name), type: type, baseURL: "http://loopback.invalid",
                        models: [
                            ProviderModel(
                                id: "bench/\(name)", upstream: name,
                                pricing: Pricing(inputPerMTokUSD: 0.1, outputPerMTokUSD: 0.1))
                        ])))
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
        let issuer =
            names.contains(where: { $0.contains("-jwt") })
            ? try await BenchIssuer.make(in: directory, store: store) : nil
        /// The bearer of each request of a round: the key, one token, or a fresh token per request
        /// (signed before the round starts, outside the timing).
        func bearers(_ workload: Int, _ count: Int) async throws -> [String] {
            let name = names[workload]
            guard let issuer, name.contains("-jwt") else { return [key] }
            guard name.hasSuffix("-fresh") else { return [try await issuer.token(repository: "checkout")] }
            var tokens: [String] = []
            tokens.reserveCapacity(count)
            let round = UUID().uuidString.prefix(8)
            for index in 0..<count { tokens.append(try await issuer.token(repository: "r\(round)-\(index)")) }
            return tokens
        }
        let bodies = names.map { name -> ByteBuffer in
            let (model, body) = Self.workload(name.replacingOccurrences(of: "wire-", with: "tools-"))!
            return ByteBuffer(string: #"{"model":"\#(model)","# + body + "}")
        }
        let wires = try names.map { name in try name.hasPrefix("wire-") ? WireExchange(name) : nil }

        func round(_ workload: Int, _ count: Int) async throws -> Duration {
            if let wire = wires[workload] {
                let start = ContinuousClock.now
                for _ in 0..<count { try wire.run() }
                return ContinuousClock.now - start
            }
            let body = bodies[workload]
            let heads = try await bearers(workload, count).map { bearer in
                var head = head
                head.headerFields[.authorization] = "Bearer \(bearer)"
                return head
            }
            let start = ContinuousClock.now
            for index in 0..<count {
                let response = try await responder.respond(
                    to: Request(head: heads[index % heads.count], body: RequestBody(buffer: body)), context: context)
                guard response.status == .ok else { throw BenchmarkError("gatewayd answered \(response.status)") }
            }
            return ContinuousClock.now - start
        }
        for workload in names.indices where warmup > 0 { _ = try await round(workload, warmup) }
        var perRequest = Array(repeating: [Double](), count: names.count)
        for index in 1...rounds {
            for workload in names.indices {
                let microseconds = seconds(try await round(workload, requests)) * 1e6 / Double(requests)
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
        func fastest(_ name: String) -> Double? { names.firstIndex(of: name).flatMap { perRequest[$0].min() } }
        if let plain = fastest("plain") {
            for name in ["plain-jwt", "plain-jwt-fresh"] {
                guard let jwt = fastest(name) else { continue }
                print(String(format: "%@ against a key, fastest rounds: %+.2f µs per request", name, jwt - plain))
            }
        }
        if let tools = fastest("tools"), let same = fastest("wire-openai"), let translated = fastest("wire-anthropic") {
            // gatewayd's own time for a tool turn to an HTTP provider of the client's format: the
            // whole path (to the mock type) and the same-format wire work.
            let own = tools + same
            print(
                String(
                    format:
                        "tool turn, fastest rounds: gatewayd's own %.2f µs (path %.2f + wire %.2f); translated to Anthropic the wire takes %.2f µs: translation %+.2f µs, %+.1f%% of gatewayd's own",
                    own, tools, same, translated, translated - same, (translated - same) / own * 100))
        }
    }
}

// A typo in --log-level is a usage error, not a silent fall back to info.
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// One provider exchange of a tool turn, gatewayd's side only: what ``HTTPProviderAdapter`` does
/// between the client's parsed body and the client's answer, through ``ProviderWire``.
struct WireExchange {
    let call: UpstreamCall
    let upstream: ChatFormat
    let answer: [UInt8]

    init(_ name: String) throws {
        let type: ProviderType = name == "wire-anthropic" ? .anthropic : .openaiCompatible
        let client = try JSON.parse(Array(#"{"model":"bench/loop",\#(HotPathBenchmark.toolTurn)}"#.utf8))
        call = UpstreamCall(
            provider: ProviderRecord(metadata: ResourceMetadata(name: "loop"), type: type, baseURL: "http://loop"),
            candidate: RouteCandidate(
                provider: "loop", model: "bench/loop", upstreamModel: "loop", credentialKind: .system),
            secret: "sk", operation: .chat(format: .openAI, body: client, stream: false, includeUsage: false),
            requestID: "r", timeoutSeconds: 1)
        upstream = ProviderWire.upstreamFormat(of: type, for: .openAI)
        answer = try LoopbackProviderAdapter.standIn(
            try ProviderWire.body(of: call, upstreamFormat: upstream).encoded(), format: upstream, model: "loop",
            id: "x")
    }

    func run() throws {
        let sent = try ProviderWire.body(of: call, upstreamFormat: upstream).encoded()
        precondition(!sent.isEmpty)
        let reply = ProviderWire.reply(
            ByteBuffer(bytes: answer), parsed: try JSON.parse(answer), clientFormat: .openAI, upstreamFormat: upstream,
            model: "bench/loop")
        if case .complete(let body, _) = reply { precondition(!body.encoded().isEmpty) }
    }
}
