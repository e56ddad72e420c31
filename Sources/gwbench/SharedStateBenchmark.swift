import AdminAPI
import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatewayModel
import GatewayStore
import GatewayStorePostgres
import Logging
import NIOCore

/// Two gateways on one PostgreSQL database: how fast a change made through one reaches the
/// other's data plane, and what the data plane serves through one instance and through two.
struct SharedStateBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shared-state",
        abstract: "Two gateways on one PostgreSQL: change propagation delay and data-plane throughput.",
        discussion: """
            Needs a PostgreSQL database: url=$(scripts/postgres start /tmp/gwbench-pg); \
            gwbench shared-state --postgres "$url"; scripts/postgres stop /tmp/gwbench-pg
            """
    )

    @Option(help: "The PostgreSQL URL (a throwaway database; the benchmark adds its own team to it).")
    var postgres: String
    @Option(help: "Changes whose propagation is timed.") var changes = 100
    @Option(help: "Seconds of load per throughput run.") var seconds = 5.0
    @Option(help: "Requests in flight during the throughput runs.") var concurrency = 32

    func run() async throws {
        let logger = {
            var logger = Logger(label: "gwbench")
            logger.logLevel = .warning
            return logger
        }()
        let location = try PostgresLocation(url: postgres)
        let keyring = MasterKeyring.generate()
        let (changes, seconds, concurrency) = (self.changes, self.seconds, self.concurrency)
        print("PostgreSQL: \(location)")
        try await PostgresGatewayStore.with(location, keyring: keyring, logger: logger) { storeA in
            try await PostgresGatewayStore.with(location, keyring: keyring, logger: logger) { storeB in
                try await LocalGateway.with(storeA) { urlA in
                    try await LocalGateway.with(storeB) { urlB in
                        let bench = SharedStateRun(
                            urls: [urlA, urlB], run: String(UInt32.random(in: 0...UInt32.max), radix: 36))
                        let key = try await bench.setUp()
                        try await bench.propagation(changes: changes)
                        try await bench.throughput(
                            key: key, instances: [urlA], seconds: seconds, concurrency: concurrency)
                        try await bench.throughput(
                            key: key, instances: [urlA, urlB], seconds: seconds, concurrency: concurrency)
                    }
                }
            }
        }
    }
}

/// One benchmark run against two gateway URLs sharing a state.
struct SharedStateRun: Sendable {
    let urls: [URL]
    /// Makes this run's names unique, so a database can be reused.
    let run: String
    var team: String { "bench-\(run)" }

    func admin(_ index: Int) -> AdminClient { AdminClient(serverURL: urls[index], token: LocalGateway.token) }

    /// A priced mock provider, a paid team with credits, and one key; returns its secret.
    func setUp() async throws -> String {
        let provider = ProviderRecord(
            metadata: ResourceMetadata(name: "mock-\(run)"), type: .mock,
            models: [ProviderModel(id: "mock/echo", pricing: Pricing(inputPerMTokUSD: 0.1, outputPerMTokUSD: 0.1))])
        let result = try await admin(0).apply(
            Changeset(operations: [
                ChangeOperation(op: .create, target: .provider(provider.metadata.name), payload: .provider(provider)),
                ChangeOperation(
                    op: .create, target: .team(team),
                    payload: .team(TeamRecord(metadata: ResourceMetadata(name: team), tier: .paid))),
                ChangeOperation(
                    op: .create, target: .apiKey(team: team, name: "load"),
                    payload: .apiKey(APIKeyRecord(team: team, name: "load"))),
            ]))
        _ = try await admin(0).grantCredits(team: team, CreditGrant(amountMicroUSD: 1_000_000_000_000))
        return result.results.compactMap(\.secret).first ?? ""
    }

    /// Keys created through instance 1, timed from the commit to their first success on instance 2.
    func propagation(changes: Int) async throws {
        var delays: [Double] = []
        var applies: [Double] = []
        let clock = ContinuousClock()
        for index in 0..<changes {
            let name = "key-\(index)"
            let started = clock.now
            let result = try await admin(0).apply(
                Changeset(operations: [
                    ChangeOperation(
                        op: .create, target: .apiKey(team: team, name: name),
                        payload: .apiKey(APIKeyRecord(team: team, name: name)))
                ]))
            let committed = clock.now
            applies.append(seconds(committed - started))
            let secret = result.results.compactMap(\.secret).first ?? ""
            while try await status(of: "/v1/models", on: 1, key: secret) != 200 {
                guard clock.now - committed < .seconds(10) else {
                    throw ValidationError("\(name) never reached instance 2")
                }
            }
            delays.append(seconds(clock.now - committed))
        }
        print("propagation over \(changes) changes (commit through instance 1 → first success on instance 2):")
        print(
            "  delay p50 \(ms(percentile(delays, 0.5))) ms, p99 \(ms(percentile(delays, 0.99))) ms, max \(ms(delays.max() ?? 0)) ms"
        )
        print("  changeset round trip through instance 1: p50 \(ms(percentile(applies, 0.5))) ms")
    }

    /// Chat completions for `seconds` with `concurrency` in flight, spread over `instances`.
    func throughput(key: String, instances: [URL], seconds duration: Double, concurrency: Int) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int(duration * 1000))
        let started = clock.now
        let results = try await withThrowingTaskGroup(of: (ok: Int, failed: Int, latencies: [Double]).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var ok = 0
                    var failed = 0
                    var latencies: [Double] = []
                    var index = worker
                    while clock.now < deadline {
                        let url = instances[index % instances.count]
                        index += 1
                        let sent = clock.now
                        let code = try await chat(url: url, key: key)
                        latencies.append(seconds(clock.now - sent))
                        if code == 200 { ok += 1 } else { failed += 1 }
                    }
                    return (ok, failed, latencies)
                }
            }
            return try await group.reduce(into: (ok: 0, failed: 0, latencies: [Double]())) {
                $0.ok += $1.ok
                $0.failed += $1.failed
                $0.latencies += $1.latencies
            }
        }
        let elapsed = seconds(clock.now - started)
        print(
            "data plane through \(instances.count) instance(s), \(concurrency) in flight, \(String(format: "%.1f", elapsed)) s:"
        )
        print(
            "  \(String(format: "%.0f", Double(results.ok) / elapsed)) requests/s, \(results.failed) failed, latency p50 \(ms(percentile(results.latencies, 0.5))) ms, p99 \(ms(percentile(results.latencies, 0.99))) ms"
        )
    }

    private func status(of path: String, on instance: Int, key: String) async throws -> Int {
        var request = HTTPClientRequest(url: urls[instance].absoluteString + path)
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    private func chat(url: URL, key: String) async throws -> Int {
        var request = HTTPClientRequest(url: url.absoluteString + "/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    private func ms(_ value: Double) -> String { String(format: "%.2f", value * 1000) }
}
