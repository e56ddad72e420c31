import AdminAPI
import AsyncHTTPClient
import Foundation
import GatewayModel
import Hummingbird
import HummingbirdTesting
import MockUpstream
import NIOCore
import TestSupport

/// A gateway as users run it: manifests applied with the built gwctl to a state file, served by
/// the built gatewayd on a loopback ephemeral port, with two mock upstreams (A and B) in this
/// process. Every test gets its own.
struct DataPlaneScenario {
    static let systemSecretA = "sk-system-a-7f3e"
    static let systemSecretB = "sk-system-b-19c0"
    static let betaBYOKSecret = "sk-beta-byok-5a5a"

    let directory: URL
    let port: String
    let keys: [String: String]
    let upstreamA: MockUpstream
    let upstreamB: MockUpstream
    /// The gatewayd process; its `output` is its log.
    let server: RunningProcess
    let gwctl = BuiltProduct("gwctl")

    var statePath: String { directory.appendingPathComponent("state.db").path }
    var admin: AdminClient {
        let token = (try? String(contentsOf: directory.appendingPathComponent("admin-token"), encoding: .utf8)) ?? ""
        return AdminClient(serverURL: URL(string: "http://127.0.0.1:\(port)")!, token: token)
    }

    /// The manifests: providers on the two upstreams, and one team per story.
    static func manifests(portA: Int, portB: Int) -> String {
        """
        apiVersion: gateway/v1
        kind: GatewayPolicy
        metadata: {name: default}
        spec: {perRequestBYOK: true}
        ---
        apiVersion: gateway/v1
        kind: Provider
        metadata: {name: upstream-a}
        spec:
          type: openai-compatible
          baseURL: http://127.0.0.1:\(portA)/v1
          secret: {env: SYSTEM_A}
          models:
            - {id: acme/chat, upstream: chat-a, pricing: {inputPerMTokUSD: 1, outputPerMTokUSD: 1}}
        ---
        apiVersion: gateway/v1
        kind: Provider
        metadata: {name: upstream-b}
        spec:
          type: openai-compatible
          baseURL: http://127.0.0.1:\(portB)/v1
          zeroDataRetention: true
          secret: {env: SYSTEM_B}
          models:
            - {id: acme/chat, upstream: chat-b, pricing: {inputPerMTokUSD: 1, outputPerMTokUSD: 1}}
        ---
        apiVersion: gateway/v1
        kind: Provider
        metadata: {name: claude}
        spec:
          type: anthropic
          baseURL: http://127.0.0.1:\(portA)
          models:
            - {id: anthropic/claude-x, upstream: claude-x, pricing: {inputPerMTokUSD: 3, outputPerMTokUSD: 15}}
        ---
        apiVersion: gateway/v1
        kind: Provider
        metadata: {name: azure}
        spec:
          type: azure-openai
          baseURL: http://127.0.0.1:\(portA)
          secret: {env: SYSTEM_A}
          models:
            - {id: acme/azure-chat, upstream: deployment-7, pricing: {inputPerMTokUSD: 1, outputPerMTokUSD: 1}}
        ---
        apiVersion: gateway/v1
        kind: Rule
        metadata: {name: a-then-b}
        spec:
          priority: 10
          match: {models: [acme/chat]}
          route: {providers: [upstream-a, upstream-b]}
        ---
        apiVersion: gateway/v1
        kind: Team
        metadata: {name: growth}
        spec:
          tier: paid
          suspended: {reason: "chargeback review #4411"}
          keys: [{name: app}]
        ---
        apiVersion: gateway/v1
        kind: Team
        metadata: {name: alpha}
        spec:
          tier: paid
          keys: [{name: app}]
        ---
        apiVersion: gateway/v1
        kind: Team
        metadata: {name: beta}
        spec:
          byok:
            - {name: claude-prod, provider: claude, secret: {env: BETA_CLAUDE_KEY}}
          keys: [{name: app}]
        ---
        apiVersion: gateway/v1
        kind: Team
        metadata: {name: paying}
        spec:
          tier: paid
          keys: [{name: app}]
        ---
        apiVersion: gateway/v1
        kind: Team
        metadata: {name: legal}
        spec:
          tier: paid
          dataRetention: zero
          keys: [{name: app}]
        """
    }

    /// Sets the scenario up, runs `body`, and stops everything. With `faults`, each upstream sits
    /// behind its own fault proxy (seeds 1 and 2), and the providers point at the proxies.
    static func run(
        faults: FaultProxy.Configuration? = nil, _ body: @escaping @Sendable (DataPlaneScenario) async throws -> Void
    ) async throws {
        let upstreamA = MockUpstream()
        let upstreamB = MockUpstream()
        let appA = Application(
            router: upstreamA.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let appB = Application(
            router: upstreamB.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await appA.test(.live) { clientA in
            try await appB.test(.live) { clientB in
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dataplane-\(UUID())")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                guard let faults else {
                    try await serve(
                        portA: clientA.port!, portB: clientB.port!, upstreamA: upstreamA, upstreamB: upstreamB,
                        in: directory, body)
                    return
                }
                var second = faults
                second.seed &+= 1
                try await FaultProxy.run(upstream: "http://127.0.0.1:\(clientA.port!)", faults) { proxyA in
                    try await FaultProxy.run(upstream: "http://127.0.0.1:\(clientB.port!)", second) { proxyB in
                        try await serve(
                            portA: proxyA.port, portB: proxyB.port, upstreamA: upstreamA, upstreamB: upstreamB,
                            in: directory, body)
                    }
                }
            }
        }
    }

    /// Applies the manifests for upstreams on `portA` and `portB`, serves them with gatewayd, runs `body`.
    private static func serve(
        portA: Int, portB: Int, upstreamA: MockUpstream, upstreamB: MockUpstream, in directory: URL,
        _ body: @escaping @Sendable (DataPlaneScenario) async throws -> Void
    ) async throws {
        try manifests(portA: portA, portB: portB).write(
            to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let environment = [
            "SYSTEM_A": systemSecretA, "SYSTEM_B": systemSecretB, "BETA_CLAUDE_KEY": betaBYOKSecret,
        ]
        let apply = try await BuiltProduct("gwctl").run(
            ["apply", "gateway.yaml", "--state", "state.db", "--auto-approve", "--keys-out", "keys.json"],
            environment: environment, directory: directory)
        guard apply.status == 0 else { throw ScenarioError("apply failed: \(apply.stderr)") }
        let minted = try JSONDecoder().decode(
            MintedKeyFile.self, from: Data(contentsOf: directory.appendingPathComponent("keys.json")))
        let keys = Dictionary(uniqueKeysWithValues: minted.keys.map { ("\($0.team)/\($0.name)", $0.secret) })
        let portFile = directory.appendingPathComponent("port").path
        let server = try BuiltProduct("gatewayd").start(
            [
                "serve", "--state", "state.db", "--init", "--port", "0", "--port-file", portFile,
                "--upstream-timeout", "5",
            ], directory: directory)
        defer { _ = server.terminate() }
        let port = try server.waitForFile(portFile)
        let scenario = DataPlaneScenario(
            directory: directory, port: port, keys: keys, upstreamA: upstreamA, upstreamB: upstreamB, server: server)
        try await body(scenario)
    }

    /// A data-plane call: the status, the JSON body, and the headers.
    func call(
        _ path: String, key: String?, body: String? = nil, headers: [String: String] = [:]
    ) async throws -> (status: Int, json: [String: Any], headers: [String: String]) {
        let (response, bytes) = try await send(path, key: key, body: body, headers: headers)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return (Int(response.status.code), json, fields)
    }

    /// A data-plane POST whose body is read as text (for streams).
    func raw(_ path: String, key: String, body: String) async throws -> String {
        String(buffer: try await send(path, key: key, body: body, headers: [:]).body)
    }

    private func send(
        _ path: String, key: String?, body: String?, headers: [String: String]
    ) async throws -> (response: HTTPClientResponse, body: ByteBuffer) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = body == nil ? .GET : .POST
        if let key { request.headers.add(name: "authorization", value: "Bearer \(keys[key] ?? key)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return (response, try await response.body.collect(upTo: 1 << 22))
    }

    /// `gwctl explain` against the state file.
    func explain(key: String, model: String) throws -> BuiltProduct.Result {
        try gwctl.run(["explain", "--state", "state.db", "--key", key, "--model", model], directory: directory)
    }

    /// `gwctl audit --format json` against the state file, decoded.
    func audit(_ arguments: [String] = []) throws -> (status: Int32, json: [String: Any]) {
        let result = try gwctl.run(
            ["audit", "--state", "state.db", "--format", "json"] + arguments, directory: directory)
        let json = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result.status, json)
    }

    static func chat(_ model: String, _ prompt: String = "hello") -> String {
        #"{"model":"\#(model)","messages":[{"role":"user","content":"\#(prompt)"}]}"#
    }
}

struct MintedKeyFile: Decodable {
    struct Key: Decodable {
        var team: String
        var name: String
        var secret: String
    }

    var keys: [Key]
}

struct ScenarioError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Dictionary where Key == String, Value == Any {
    /// `error.code`, `error.gateway.team` and the like.
    func path(_ dotted: String) -> Any? {
        var current: Any? = self
        for part in dotted.split(separator: ".") { current = (current as? [String: Any])?[String(part)] }
        return current
    }
}
