import Foundation
import GatewayModel
import GatewayStore

/// The three ways to reach the mock upstream, started and measured side by side.
struct DataPlaneRun {
    struct Plan {
        var seconds: Int
        var rates: [Int]
        var maxConnections: Int
        var streams: Int
        var resultsPath: String?
    }

    /// One measured run, as written to the results file.
    struct Row: Codable {
        var target: String
        /// The paced rate asked for; nil for the maximum-throughput run.
        var rate: Int?
        var connections: Int
        var result: Wrk.Result
    }

    struct StreamRow: Codable {
        var target: String
        var firstTokenMilliseconds: [Double]
    }

    let directory: URL
    let targets: [(name: String, target: Wrk.Target)]
    private var servers: [ChildProcess] = []
    /// LiteLLM's process: it works through its queue for seconds after wrk stops, so the next
    /// run waits until it is idle instead of sharing the cores with it.
    private(set) var litellmProcess: Int32?

    static let prompt = #""messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32"#

    /// With `tools`, gatewayd is also measured with an agent's tool turn (``HotPathBenchmark/toolTurn``)
    /// to an OpenAI-format provider (`gatewayd+tools`) and to an Anthropic-format one, translated
    /// both ways (`gatewayd+tools→anthropic`).
    init(
        directory: URL, mockPort: Int, gatewayd: String, floors: [Passthrough.Stack], litellm: String?,
        tools: Bool = false
    ) async throws {
        self.directory = directory
        let key = try await Self.prepareState(directory: directory, mockPort: mockPort)
        var targets: [(String, Wrk.Target)] = [
            (
                "direct", Self.chat(port: mockPort, model: "echo", key: "sk-upstream")
            )
        ]
        let gatewaydPort = try Self.freePort()
        let gateway = try ChildProcess(
            name: "gatewayd", executable: gatewayd,
            arguments: [
                "serve", "--state", directory.appendingPathComponent("state.db").path, "--port", "\(gatewaydPort)",
            ],
            log: directory.appendingPathComponent("gatewayd.log"))
        servers.append(gateway)
        try await gateway.waitUntilServing("http://127.0.0.1:\(gatewaydPort)/healthz")
        targets.append(("gatewayd", Self.chat(port: gatewaydPort, model: "bench/echo", key: key)))
        if tools {
            targets.append(
                (
                    "gatewayd+tools",
                    Self.chat(port: gatewaydPort, model: "bench/echo", key: key, body: HotPathBenchmark.toolTurn)
                ))
            targets.append(
                (
                    "gatewayd+tools→anthropic",
                    Self.chat(port: gatewaydPort, model: "bench/claude", key: key, body: HotPathBenchmark.toolTurn)
                ))
        }
        for floor in floors {
            let port = try Self.freePort()
            let name = floor == .hummingbird ? "passthrough" : "passthrough-\(floor.rawValue)"
            let server = try ChildProcess(
                name: name, executable: CommandLine.arguments[0],
                arguments: [
                    "passthrough", "--port", "\(port)", "--upstream", "http://127.0.0.1:\(mockPort)/v1", "--stack",
                    floor.rawValue,
                ],
                log: directory.appendingPathComponent("\(name).log"))
            servers.append(server)
            try await server.waitUntilServing("http://127.0.0.1:\(port)/v1/chat/completions")
            targets.append((name, Self.chat(port: port, model: "echo", key: "none")))
        }
        if let litellm {
            let port = try Self.freePort()
            // LiteLLM refuses to start without a master key; without a database the master key
            // is the one key it accepts.
            let masterKey =
                "sk-" + (0..<4).map { _ in String(UInt64.random(in: 1 << 60..<UInt64.max), radix: 16) }.joined()
            let config = directory.appendingPathComponent("litellm.yaml")
            try """
            model_list:
              - model_name: bench/echo
                litellm_params:
                  model: openai/echo
                  api_base: http://127.0.0.1:\(mockPort)/v1
                  api_key: sk-upstream
            litellm_settings:
              telemetry: false
            general_settings:
              master_key: \(masterKey)
            """.write(to: config, atomically: true, encoding: .utf8)
            let proxy = try ChildProcess(
                name: "litellm", executable: litellm,
                arguments: ["--config", config.path, "--host", "127.0.0.1", "--port", "\(port)", "--num_workers", "1"],
                environment: ["LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_LOG": "ERROR"],
                log: directory.appendingPathComponent("litellm.log"))
            servers.append(proxy)
            litellmProcess = proxy.pid
            try await proxy.waitUntilServing("http://127.0.0.1:\(port)/health/liveliness", seconds: 120)
            targets.append(("litellm", Self.chat(port: port, model: "bench/echo", key: masterKey)))
        }
        self.targets = targets
    }

    /// The same chat completion request, for a server on `port`.
    static func chat(port: Int, model: String, key: String, body: String = prompt) -> Wrk.Target {
        Wrk.Target(
            url: "http://127.0.0.1:\(port)/v1/chat/completions", body: #"{"model":"\#(model)","# + body + "}",
            headers: ["Content-Type": "application/json", "Authorization": "Bearer \(key)"])
    }

    /// A state with an OpenAI-compatible provider at the mock (and an Anthropic one, `bench/claude`),
    /// a paid team with credits and one key.
    static func prepareState(directory: URL, mockPort: Int) async throws -> String {
        let store = try StateFiles(statePath: directory.appendingPathComponent("state.db").path).openStore(
            environment: [:], create: true)
        let provider = ProviderRecord(
            metadata: ResourceMetadata(name: "bench"), type: .openaiCompatible,
            baseURL: "http://127.0.0.1:\(mockPort)/v1",
            models: [ProviderModel(id: "bench/echo", pricing: Pricing(inputPerMTokUSD: 0.1, outputPerMTokUSD: 0.1))])
        let key = try await benchTeam(in: store, provider: provider, secret: "sk-upstream")
        var claude = ChangeOperation(
            op: .create, target: .provider("bench-claude"),
            payload: .provider(
                ProviderRecord(
                    metadata: ResourceMetadata(name: "bench-claude"), type: .anthropic,
                    baseURL: "http://127.0.0.1:\(mockPort)",
                    models: [
                        ProviderModel(
                            id: "bench/claude", upstream: "claude",
                            pricing: Pricing(inputPerMTokUSD: 0.1, outputPerMTokUSD: 0.1))
                    ])))
        claude.secret = "sk-upstream"
        _ = try await store.apply(Changeset(operations: [claude]), actor: "gwbench")
        return key
    }

    /// The benchmarks' gateway: `provider` (named `bench`, with `secret` as its system credential),
    /// a paid team `bench` with credits and one key, whose secret it returns.
    static func benchTeam(in store: any GatewayStore, provider: ProviderRecord, secret: String?) async throws -> String
    {
        var providerOperation = ChangeOperation(op: .create, target: .provider("bench"), payload: .provider(provider))
        providerOperation.secret = secret
        let result = try await store.apply(
            Changeset(operations: [
                providerOperation,
                ChangeOperation(
                    op: .create, target: .team("bench"),
                    payload: .team(TeamRecord(metadata: ResourceMetadata(name: "bench"), tier: .paid))),
                ChangeOperation(
                    op: .create, target: .apiKey(team: "bench", name: "load"),
                    payload: .apiKey(APIKeyRecord(team: "bench", name: "load"))),
            ]), actor: "gwbench")
        _ = try await store.grantCredits(
            team: "bench", CreditGrant(amountMicroUSD: 1_000_000_000_000), actor: "gwbench")
        guard let key = result.results.compactMap(\.secret).first else { throw BenchmarkError("no key minted") }
        return key
    }

    /// A port that was free a moment ago, for servers that cannot report the one they chose.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw BenchmarkError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    mutating func stop() {
        for server in servers { server.stop() }
        servers = []
    }
}
