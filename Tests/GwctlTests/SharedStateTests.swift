import AdminAPI
import AsyncHTTPClient
import Foundation
import GatewayModel
import Hummingbird
import HummingbirdTesting
import MockUpstream
import NIOCore
import TestSupport
import Testing

/// Two gatewayd processes on one PostgreSQL database, as users run them behind a load balancer:
/// gwctl applies through either, and both data planes see every change within a second.
@Suite("Two gatewayd instances sharing PostgreSQL")
struct SharedStateTests {
    static let manifests = """
        apiVersion: gateway/v1
        kind: Provider
        metadata: {name: upstream}
        spec:
          type: openai-compatible
          baseURL: http://127.0.0.1:UPSTREAM_PORT/v1
          secret: {env: SYSTEM_KEY}
          models:
            - {id: acme/chat, upstream: chat, pricing: {inputPerMTokUSD: 1, outputPerMTokUSD: 2}}
        ---
        apiVersion: gateway/v1
        kind: Team
        metadata: {name: paying}
        spec:
          tier: paid
          keys: [{name: app}EXTRA_KEY]
        """

    /// Both instances, the mock upstream, and a working directory with the manifests.
    struct Pair {
        let directory: URL
        let ports: [String]
        let token: String
        let upstreamPort: Int

        func admin(_ instance: Int) -> AdminClient {
            AdminClient(serverURL: URL(string: "http://127.0.0.1:\(ports[instance])")!, token: token)
        }

        /// `gwctl apply` through `instance`, with or without the extra key; returns the minted secrets.
        func apply(through instance: Int, extraKey: Bool) throws -> [String: String] {
            let text = SharedStateTests.manifests.replacingOccurrences(of: "UPSTREAM_PORT", with: "\(upstreamPort)")
                .replacingOccurrences(of: "EXTRA_KEY", with: extraKey ? ", {name: batch}" : "")
            try text.write(to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
            let keysFile = directory.appendingPathComponent("keys-\(UUID()).json")
            let result = try BuiltProduct("gwctl").run(
                [
                    "apply", "gateway.yaml", "--gateway", "http://127.0.0.1:\(ports[instance])", "--auto-approve",
                    "--keys-out", keysFile.path,
                ], environment: ["GWCTL_TOKEN": token, "SYSTEM_KEY": "sk-system-shared"], directory: directory)
            guard result.status == 0 else { throw ScenarioError("apply failed: \(result.stderr)") }
            guard let data = try? Data(contentsOf: keysFile) else { return [:] }
            let minted = try JSONDecoder().decode(MintedKeyFile.self, from: data)
            return Dictionary(uniqueKeysWithValues: minted.keys.map { ("\($0.team)/\($0.name)", $0.secret) })
        }

        /// The status of a chat request with `secret` through `instance`.
        func chat(_ instance: Int, secret: String) async throws -> Int {
            try await status(
                instance, secret: secret, path: "/v1/chat/completions", body: DataPlaneScenario.chat("acme/chat"))
        }

        /// The status of a data-plane call with `secret` through `instance` (GET without a body).
        func status(_ instance: Int, secret: String, path: String, body: String? = nil) async throws -> Int {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(ports[instance])\(path)")
            request.headers.add(name: "authorization", value: "Bearer \(secret)")
            if let body {
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        }

        /// Seconds until `secret` gets `status` from `/v1/models` through `instance` (polled every 20 ms,
        /// up to `limit`); nil when it never does. `/v1/models` authenticates against the instance's
        /// key index without calling a provider, so the time is the instance's, not the upstream's.
        func secondsUntil(
            _ instance: Int, secret: String, gets status: Int, limit: Duration = .seconds(10)
        ) async throws -> Double? {
            let start = ContinuousClock.now
            while ContinuousClock.now - start < limit {
                if try await self.status(instance, secret: secret, path: "/v1/models") == status {
                    let elapsed = ContinuousClock.now - start
                    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }
    }

    static func run(_ body: @escaping @Sendable (Pair) async throws -> Void) async throws {
        let database = try TestPostgres.freshDatabase()
        defer { TestPostgres.drop(database) }
        let upstream = MockUpstream()
        let app = Application(router: upstream.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let gatewayd = BuiltProduct("gatewayd")
            // The first instance creates the master key and an admin token; the second finds them.
            let first = try gatewayd.start(
                ["serve", "--state", database, "--init", "--port", "0", "--port-file", "port-1"], directory: directory)
            defer { _ = first.terminate() }
            let port1 = try first.waitForFile(directory.appendingPathComponent("port-1").path)
            let second = try gatewayd.start(
                ["serve", "--state", database, "--port", "0", "--port-file", "port-2"], directory: directory)
            defer { _ = second.terminate() }
            let port2 = try second.waitForFile(directory.appendingPathComponent("port-2").path)
            let token = try String(
                contentsOf: directory.appendingPathComponent(".gateway/admin-token"), encoding: .utf8)
            try await body(Pair(directory: directory, ports: [port1, port2], token: token, upstreamPort: client.port!))
        }
    }

    @Test func initOnPostgreSQLWithTheMasterKeyInTheEnvironmentCreatesTheTokensFolder() async throws {
        let database = try TestPostgres.freshDatabase()
        defer { TestPostgres.drop(database) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-init-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // 32 bytes, base64: a key of the environment form <key-id>:<base64>.
        let key = "k1:" + Data(repeating: 7, count: 32).base64EncodedString()
        let server = try BuiltProduct("gatewayd").start(
            ["serve", "--state", database, "--init", "--port", "0", "--port-file", "port"],
            environment: ["GATEWAYD_MASTER_KEY": key], directory: directory)
        defer { _ = server.terminate() }
        _ = try server.waitForFile(directory.appendingPathComponent("port").path)
        let folder = directory.appendingPathComponent(".gateway")
        let token = try String(contentsOf: folder.appendingPathComponent("admin-token"), encoding: .utf8)
        #expect(!token.isEmpty)
        let mode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        // The key came from the environment: none was written.
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("master.key").path))
    }

    @Test func aKeyMadeThroughOneInstanceWorksOnTheOtherWithinOneSecondAndARevocationToo() async throws {
        try await Self.run { pair in
            let keys = try pair.apply(through: 0, extraKey: false)
            let app = try #require(keys["paying/app"])
            _ = try await pair.admin(0).grantCredits(team: "paying", CreditGrant(amountMicroUSD: 10_000_000))
            // The first request through instance 2 warms its pool and client; it is not the measure.
            #expect(try await pair.secondsUntil(1, secret: app, gets: 200) != nil)

            let added = try pair.apply(through: 0, extraKey: true)
            let batch = try #require(added["paying/batch"])
            #expect(try await pair.secondsUntil(1, secret: batch, gets: 200) != nil)
            // Revoked through instance 2 (the key is absent from the manifests): instance 1 refuses it.
            _ = try pair.apply(through: 1, extraKey: false)
            #expect(try await pair.secondsUntil(0, secret: batch, gets: 401) != nil)

            // The timing, three times each way through the admin API, so that one stall of this
            // (busy, shared) test process cannot decide it: the median must be under a second.
            var accepted: [Double] = []
            var refused: [Double] = []
            for index in 0..<3 {
                let name = "probe-\(index)"
                let created = try await pair.admin(0).apply(
                    Changeset(operations: [
                        ChangeOperation(
                            op: .create, target: .apiKey(team: "paying", name: name),
                            payload: .apiKey(APIKeyRecord(team: "paying", name: name)))
                    ]))
                let secret = try #require(created.results.first?.secret)
                accepted.append(try #require(try await pair.secondsUntil(1, secret: secret, gets: 200)))
                _ = try await pair.admin(1).apply(
                    Changeset(operations: [ChangeOperation(op: .delete, target: .apiKey(team: "paying", name: name))]))
                refused.append(try #require(try await pair.secondsUntil(0, secret: secret, gets: 401)))
            }
            #expect(accepted.sorted()[1] < 1, "instance 2 accepted keys created through instance 1 after \(accepted) s")
            #expect(refused.sorted()[1] < 1, "instance 1 refused keys revoked through instance 2 after \(refused) s")
            #expect(try await pair.chat(0, secret: app) == 200)
        }
    }

    @Test func concurrentChangesetsAndDebitsThroughBothInstancesLoseNothing() async throws {
        try await Self.run { pair in
            let keys = try pair.apply(through: 0, extraKey: false)
            let app = try #require(keys["paying/app"])
            let start = try await pair.admin(0).state().revision

            // 2 instances × 10 changesets at once: every one lands, at its own revision.
            let revisions = try await withThrowingTaskGroup(of: Int64.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let team = TeamRecord(metadata: ResourceMetadata(name: "team-\(index)"))
                        return try await pair.admin(index % 2).apply(
                            Changeset(operations: [
                                ChangeOperation(op: .create, target: .team(team.metadata.name), payload: .team(team))
                            ])
                        ).revision
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(revisions.sorted() == Array(start + 1...start + 20))
            #expect(try await pair.admin(1).state().teams.count == 21)

            // One request prices a call; then 40 at once through both instances.
            _ = try await pair.admin(1).grantCredits(team: "paying", CreditGrant(amountMicroUSD: 10_000_000))
            #expect(try await pair.secondsUntil(1, secret: app, gets: 200) != nil)
            #expect(try await pair.chat(0, secret: app) == 200)
            let priced = try await pair.admin(0).usage(team: "paying")
            let cost = try #require(priced.first?.costMicroUSD)
            #expect(cost > 0)
            let before = try await pair.admin(0).credits(team: "paying").balanceMicroUSD
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<40 { group.addTask { try await pair.chat(index % 2, secret: app) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            // A usage read writes the queue of the instance it goes through, not the other's: read
            // through instance 1 once the first one has written what it served.
            _ = try await pair.admin(0).usage(team: "paying")
            let usage = try await pair.admin(1).usage(team: "paying")
            #expect(usage.count == priced.count + 40)
            #expect(usage.allSatisfy { $0.costMicroUSD == cost })
            #expect(try await pair.admin(1).credits(team: "paying").balanceMicroUSD == before - 40 * cost)
        }
    }
}
