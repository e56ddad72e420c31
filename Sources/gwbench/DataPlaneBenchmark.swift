import ArgumentParser
import Foundation
import GatewayModel
import GatewayStore
import Hummingbird
import Logging
import MockUpstream

/// `gwbench dataplane`: the same chat request sent straight to the mock upstream, through
/// gatewayd and through LiteLLM's proxy, at the same rates, in one run; then time to first token.
struct DataPlaneBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataplane",
        abstract: "Added latency and throughput of gatewayd (and LiteLLM's proxy) over a mock upstream, with wrk.",
        discussion: """
            Needs wrk (Debian: apt-get install wrk). LiteLLM's proxy is measured when `litellm` is on PATH \
            (pip install 'litellm[proxy]'); it runs without a database. gatewayd is the binary beside gwbench.
            """
    )

    @Option(help: "Seconds of load per measured run.") var seconds = 10
    @Option(help: "Paced rates, requests per second, comma-separated.") var rates = "500,1000,2000"
    @Option(help: "Connections for the maximum-throughput runs.") var maxConnections = 64
    @Option(help: "Streamed requests per target for time to first token.") var streams = 200
    @Option(help: "The gatewayd executable (default: beside gwbench).") var gatewayd: String?
    @Option(help: "The LiteLLM executable; \"none\" skips LiteLLM.") var litellm = "litellm"
    @Option(
        help: """
            Pass-through floors measured beside gatewayd, comma-separated: hummingbird (gatewayd's stack), nio \
            (a server on SwiftNIO directly), hummingbird-ahc (AsyncHTTPClient as the client); "none" for none.
            """)
    var floors = "hummingbird,nio"
    @Option(help: "Write the results as JSON here (for scripts/plot-benchmarks).") var results: String?
    @Flag(help: "Also measure gatewayd with an agent's tool turn, same format and translated to Anthropic.")
    var tools = false

    func run() async throws {
        let paced = rates.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwbench-dataplane-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let gatewaydPath = gatewayd ?? Self.sibling("gatewayd")
        let litellmPath = litellm == "none" ? nil : Self.onPath(litellm)
        if litellm != "none" && litellmPath == nil {
            print("note: \(litellm) is not on PATH; LiteLLM is skipped (pip install 'litellm[proxy]')")
        }
        let floorStacks: [Passthrough.Stack] =
            try floors == "none"
            ? []
            : floors.split(separator: ",").map { name in
                guard let stack = Passthrough.Stack(rawValue: String(name)) else {
                    throw ValidationError("unknown floor \(name); one of \(Passthrough.Stack.allCases.map(\.rawValue))")
                }
                return stack
            }
        let plan = DataPlaneRun.Plan(
            seconds: seconds, rates: paced, maxConnections: maxConnections, streams: streams,
            resultsPath: results)
        try await MockServer.with { mockPort in
            var run = try await DataPlaneRun(
                directory: directory, mockPort: mockPort, gatewayd: gatewaydPath, floors: floorStacks,
                litellm: litellmPath, tools: tools)
            defer { run.stop() }
            try await run.measure(plan)
        }
    }

    static func sibling(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    }

    static func onPath(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}

/// The mock upstream, served in the benchmark's process on a loopback ephemeral port.
enum MockServer {
    static func with(_ body: @Sendable (Int) async throws -> Void) async throws {
        var logger = Logger(label: "mock-upstream")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: MockUpstream().router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            try await body(port)
            group.cancelAll()
        }
    }
}
