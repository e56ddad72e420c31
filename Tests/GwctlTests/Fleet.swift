import AdminAPI
import AsyncHTTPClient
import Foundation
import GatewayModel
import NIOCore
import Synchronization
import TestSupport

/// gatewayd instances on one PostgreSQL database, as a fleet behind a load balancer runs: a
/// working directory with a manifest (a mock provider and the teams asked for) applied through
/// the first instance, its keys, and the instances' ports. Instances can be stopped and started.
final class Fleet: Sendable {
    let directory: URL
    let database: String
    let token: String
    let keys: [String: String]
    private let instances: Mutex<[RunningProcess?]>
    private let portList: Mutex<[Int]>
    let arguments: [String]

    private init(
        directory: URL, database: String, token: String, keys: [String: String], instances: [RunningProcess],
        ports: [Int], arguments: [String]
    ) {
        self.directory = directory
        self.database = database
        self.token = token
        self.keys = keys
        self.instances = Mutex(instances)
        self.portList = Mutex(ports)
        self.arguments = arguments
    }

    /// The manifest: a mock provider and `teams` (YAML `spec` bodies by team name), each with a key `app`.
    static func manifest(teams: [String: String]) -> String {
        var text = """
            apiVersion: gateway/v1
            kind: Provider
            metadata: {name: mock}
            spec:
              type: mock
              models:
                - {id: mock/echo, pricing: {inputPerMTokUSD: 1, outputPerMTokUSD: 1}}
            """
        for (name, spec) in teams.sorted(by: { $0.key < $1.key }) {
            text += "\n---\napiVersion: gateway/v1\nkind: Team\nmetadata: {name: \(name)}\nspec:\n  tier: paid\n"
            text += "  keys: [{name: app}]\n" + spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        }
        return text + "\n"
    }

    /// Starts `count` instances on `database` with `arguments`, applies `teams`, grants each team
    /// $100, runs `body`, and stops every instance.
    static func with(
        database: String, count: Int = 2, arguments: [String] = [], teams: [String: String],
        _ body: (Fleet) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var processes: [RunningProcess] = []
        var ports: [Int] = []
        defer { for process in processes { process.terminate() } }
        for index in 0..<count {
            let (process, port) = try start(
                index: index, database: database, arguments: arguments + (index == 0 ? ["--init"] : []),
                directory: directory)
            processes.append(process)
            ports.append(port)
        }
        let token = try String(contentsOf: directory.appendingPathComponent(".gateway/admin-token"), encoding: .utf8)
        try manifest(teams: teams).write(
            to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let keysFile = directory.appendingPathComponent("keys.json")
        let applied = try await BuiltProduct("gwctl").run(
            [
                "apply", "gateway.yaml", "--gateway", "http://127.0.0.1:\(ports[0])", "--auto-approve", "--keys-out",
                keysFile.path,
            ], environment: ["GWCTL_TOKEN": token], directory: directory)
        guard applied.status == 0 else { throw ScenarioError("apply failed: \(applied.stderr)") }
        let minted = try JSONDecoder().decode(MintedKeyFile.self, from: Data(contentsOf: keysFile))
        let keys = Dictionary(uniqueKeysWithValues: minted.keys.map { ($0.team, $0.secret) })
        let admin = AdminClient(serverURL: URL(string: "http://127.0.0.1:\(ports[0])")!, token: token)
        for team in teams.keys {
            _ = try await admin.grantCredits(team: team, CreditGrant(amountMicroUSD: 100_000_000))
        }
        let fleet = Fleet(
            directory: directory, database: database, token: token, keys: keys, instances: processes, ports: ports,
            arguments: arguments)
        try await body(fleet)
        for process in fleet.instances.withLock({ $0 }) { process?.terminate() }
    }

    private static func start(
        index: Int, database: String, arguments: [String], directory: URL
    ) throws -> (RunningProcess, Int) {
        let portFile = directory.appendingPathComponent("port-\(index)-\(UUID())").path
        let process = try BuiltProduct("gatewayd").start(
            ["serve", "--state", database, "--port", "0", "--port-file", portFile] + arguments, directory: directory)
        let port = try process.waitForFile(portFile)
        return (process, Int(port) ?? 0)
    }

    var ports: [Int] { portList.withLock { $0 } }

    /// The running process of instance `index`.
    func process(_ index: Int) -> RunningProcess? { instances.withLock { $0[index] } }

    /// Stops instance `index` with SIGTERM; returns its exit status.
    @discardableResult
    func stop(_ index: Int, timeout: Double = 30) -> Int32 {
        let process = instances.withLock { instances in
            defer { instances[index] = nil }
            return instances[index]
        }
        return process?.terminate(timeout: timeout) ?? 0
    }

    /// Starts instance `index` again (on a new port).
    func restart(_ index: Int) throws {
        let (process, port) = try Self.start(
            index: index, database: database, arguments: arguments, directory: directory)
        instances.withLock { $0[index] = process }
        portList.withLock { $0[index] = port }
    }

    /// An admin client through instance `index`.
    func admin(_ index: Int) -> AdminClient {
        AdminClient(serverURL: URL(string: "http://127.0.0.1:\(ports[index])")!, token: token)
    }

    /// One chat request through instance `index` as `team`'s key: the status, or nil for a transport error.
    func chat(_ index: Int, team: String, timeout: TimeAmount = .seconds(10)) async -> Int? {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(ports[index])/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(keys[team] ?? "")")
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(
            ByteBuffer(string: #"{"model":"mock/echo","messages":[{"role":"user","content":"hello there"}]}"#))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            _ = try await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        } catch {
            return nil
        }
    }

    /// The status of `GET path` through instance `index` with `secret`, or nil for a transport error.
    func get(_ index: Int, _ path: String, secret: String) async -> Int? {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(ports[index])\(path)")
        request.headers.add(name: "authorization", value: "Bearer \(secret)")
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        } catch {
            return nil
        }
    }

    /// The `status` of instance `index`'s `/healthz` (`ok`, `degraded`), or nil.
    func health(_ index: Int) async -> String? {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(ports[index])/healthz")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
            let body = try? await response.body.collect(upTo: 1 << 16),
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        else { return nil }
        return object["status"] as? String
    }

    /// Usage records in the database (the fleet's served requests once written).
    func usageCount() throws -> Int {
        let output = try TestPostgres.run(
            "/usr/bin/env", ["psql", database, "-Atc", "SELECT count(*) FROM usage_records"])
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}

/// Seconds since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// A value several tasks of a test change (counts, lists of failures).
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }

    func update(_ change: (inout Value) -> Void) { value.withLock { change(&$0) } }

    var current: Value { value.withLock { $0 } }
}
