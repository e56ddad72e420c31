import AdminAPI
import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatewayModel
import NIOCore
import Synchronization

/// `gwbench soak`: mixed traffic through gatewayd (OpenAI and Anthropic shapes, streamed and not,
/// refusals on purpose) while an admin loop keeps changing the state, for a bounded time. Counts
/// every answer that was not the one expected and samples gatewayd's resident memory.
struct SoakTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Mixed data-plane traffic with concurrent admin changes; unexpected errors and memory over time.",
        discussion: """
            Everything runs on 127.0.0.1: a mock upstream in this process, gatewayd (the binary beside gwbench) \
            as a child process. Exits 1 when any answer was unexpected.
            """
    )

    @Option(help: "How long to run, in seconds.") var seconds = 600
    @Option(help: "Concurrent data-plane clients.") var clients = 8
    @Option(help: "Milliseconds between admin changesets.") var adminInterval = 200
    @Option(help: "Seconds between memory samples.") var sampleEvery = 30
    @Option(help: "The gatewayd executable (default: beside gwbench).") var gatewayd: String?

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwbench-soak-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (seconds, clients, adminInterval, sampleEvery) = (seconds, clients, adminInterval, sampleEvery)
        let gatewaydPath = gatewayd ?? DataPlaneBenchmark.sibling("gatewayd")
        let tally = SoakTally()
        try await MockServer.with { mockPort in
            let key = try await DataPlaneRun.prepareState(directory: directory, mockPort: mockPort)
            let token = "gwadm_soak_" + String(UInt64.random(in: 1 << 60..<UInt64.max), radix: 16)
            let port = try DataPlaneRun.freePort()
            let gateway = try ChildProcess(
                name: "gatewayd", executable: gatewaydPath,
                arguments: [
                    "serve", "--state", directory.appendingPathComponent("state.db").path, "--port", "\(port)",
                ],
                environment: ["GATEWAYD_ADMIN_TOKENS": "soak:writer:\(token)"],
                log: directory.appendingPathComponent("gatewayd.log"))
            defer { gateway.stop() }
            let base = "http://127.0.0.1:\(port)"
            try await gateway.waitUntilServing(base + "/healthz")
            let deadline = ContinuousClock.now + .seconds(seconds)
            print(
                "soak: \(seconds) s, \(clients) clients, a changeset every \(adminInterval) ms, gatewayd pid \(gateway.pid)"
            )
            var samples: [(Int, Int)] = []
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<clients {
                    group.addTask {
                        await Self.traffic(base: base, key: key, seed: UInt64(client), until: deadline, tally)
                    }
                }
                group.addTask {
                    await Self.adminChanges(
                        base: base, token: token, every: .milliseconds(adminInterval), until: deadline, tally)
                }
                let start = ContinuousClock.now
                while ContinuousClock.now < deadline {
                    let elapsed = Int((ContinuousClock.now - start).components.seconds)
                    let rss = gateway.residentMegabytes ?? 0
                    samples.append((elapsed, rss))
                    print("  t=\(elapsed)s rss=\(rss) MiB \(tally.summary)")
                    try await Task.sleep(for: .seconds(sampleEvery))
                }
                try await group.waitForAll()
            }
            let end = gateway.residentMegabytes ?? 0
            samples.append((seconds, end))
            // Memory flatness: the first sample is taken before warm-up; the one after a minute is the baseline.
            let baseline = samples.first { $0.0 >= 60 }?.1 ?? samples[0].1
            print("soak done: \(tally.summary)")
            print(
                "  gatewayd RSS: start \(samples[0].1) MiB, after warm-up \(baseline) MiB, end \(end) MiB, drift \(end - baseline) MiB"
            )
            for sample in tally.unexpectedSamples { print("  unexpected: \(sample)") }
        }
        if tally.unexpected > 0 { throw ExitCode(1) }
    }

    /// One client: a weighted mix of requests, each with the answer it must get.
    static func traffic(
        base: String, key: String, seed: UInt64, until deadline: ContinuousClock.Instant, _ tally: SoakTally
    ) async {
        var random = SystemRandomNumberGenerator()
        let prompt = #""messages":[{"role":"user","content":"Say hello."}],"max_tokens":16"#
        while ContinuousClock.now < deadline {
            let roll = Int.random(in: 0..<100, using: &random)
            var request: HTTPClientRequest
            let kind: String
            let expected: Int
            var bearer = key
            switch roll {
            case 0..<45:
                (kind, expected) = ("chat", 200)
                request = HTTPClientRequest(url: base + "/v1/chat/completions")
                request.body = .bytes(ByteBuffer(string: #"{"model":"bench/echo","# + prompt + "}"))
            case 45..<60:
                (kind, expected) = ("chat-stream", 200)
                request = HTTPClientRequest(url: base + "/v1/chat/completions")
                request.body = .bytes(ByteBuffer(string: #"{"model":"bench/echo","stream":true,"# + prompt + "}"))
            case 60..<75:
                (kind, expected) = ("messages", 200)
                request = HTTPClientRequest(url: base + "/v1/messages")
                request.headers.add(name: "anthropic-version", value: "2023-06-01")
                request.body = .bytes(
                    ByteBuffer(string: #"{"model":"bench/echo","stream":\#(roll % 2 == 0),"# + prompt + "}"))
            case 75..<85:
                (kind, expected) = ("models", 200)
                request = HTTPClientRequest(url: base + "/v1/models")
            case 85..<95:
                (kind, expected) = ("unknown-model", 404)
                request = HTTPClientRequest(url: base + "/v1/chat/completions")
                request.body = .bytes(ByteBuffer(string: #"{"model":"nobody/none","# + prompt + "}"))
            default:
                (kind, expected) = ("wrong-key", 401)
                bearer = "gw_" + String(UInt64.random(in: 0..<UInt64.max, using: &random), radix: 36)
                request = HTTPClientRequest(url: base + "/v1/models")
            }
            if request.body != nil {
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
            }
            request.headers.add(name: "authorization", value: "Bearer \(bearer)")
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                let body = try await response.body.collect(upTo: 16 << 20)
                let status = Int(response.status.code)
                tally.record(
                    kind, ok: status == expected, detail: "\(kind): \(status) \(String(buffer: body).prefix(200))")
            } catch {
                tally.record(kind, ok: false, detail: "\(kind): \(error)")
            }
        }
    }

    /// Keys created, rotated and deleted, and credits granted, through the admin API while traffic runs.
    static func adminChanges(
        base: String, token: String, every interval: Duration, until deadline: ContinuousClock.Instant,
        _ tally: SoakTally
    ) async {
        let admin = AdminClient(serverURL: URL(string: base)!, token: token, retry: .never)
        var step = 0
        while ContinuousClock.now < deadline {
            let name = "churn-\(step / 3 % 50)"
            let target = ResourceRef.apiKey(team: "bench", name: name)
            let operation: ChangeOperation
            switch step % 3 {
            case 0:
                operation = ChangeOperation(
                    op: .create, target: target, payload: .apiKey(APIKeyRecord(team: "bench", name: name)))
            case 1:
                operation = ChangeOperation(
                    op: .rotate, target: target, payload: .apiKey(APIKeyRecord(team: "bench", name: name)))
            default: operation = ChangeOperation(op: .delete, target: target)
            }
            do {
                _ = try await admin.apply(Changeset(operations: [operation]))
                if step % 10 == 0 {
                    _ = try await admin.grantCredits(team: "bench", CreditGrant(amountMicroUSD: 1_000))
                }
                tally.record("admin", ok: true, detail: "")
            } catch {
                tally.record("admin", ok: false, detail: "admin \(operation.op) \(target): \(error)")
            }
            step += 1
            try? await Task.sleep(for: interval)
        }
    }
}

/// Counts of answers by kind, and the unexpected ones (the first few kept for the report).
final class SoakTally: Sendable {
    private let state = Mutex<(counts: [String: Int], unexpected: Int, samples: [String])>(([:], 0, []))

    func record(_ kind: String, ok: Bool, detail: String) {
        state.withLock { state in
            state.counts[kind, default: 0] += 1
            guard !ok else { return }
            state.unexpected += 1
            if state.samples.count < 10 { state.samples.append(detail) }
        }
    }

    var unexpected: Int { state.withLock { $0.unexpected } }
    var unexpectedSamples: [String] { state.withLock { $0.samples } }
    var summary: String {
        state.withLock { state in
            let total = state.counts.values.reduce(0, +)
            return
                "\(total) calls \(state.counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")), unexpected \(state.unexpected)"
        }
    }
}
