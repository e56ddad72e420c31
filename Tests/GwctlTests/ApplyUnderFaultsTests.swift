import AdminAPI
import AsyncHTTPClient
import Foundation
import GatewayModel
import NIOCore
import TestSupport
import Testing

/// gwctl and the admin client against a gatewayd behind a proxy that fails 20% of the calls: every
/// apply either completes or says what did not apply, a following plan converges, and no retried
/// changeset applies twice or mints a key whose secret the user never sees.
@Suite("Applying through a faulty network")
struct ApplyUnderFaultsTests {
    /// A team of `count` keys, all at `rotation`, beside examples/acme.
    static func faultsTeam(keys count: Int, rotation: Int) -> String {
        """
        apiVersion: gateway/v1
        kind: Team
        metadata: {name: faults}
        spec:
          tier: paid
          keys:
        \((0..<count).map { "    - {name: key-\($0), rotation: \(rotation), rotationOverlap: 0}" }.joined(separator: "\n"))

        """
    }

    @Test func gwctlApplyConvergesAndEveryMintedSecretIsTheLiveOne() async throws {
        try await LiveGatewayd.with { gateway in
            try await FaultProxy.run(
                upstream: gateway.url, .init(rate: 0.2, seed: 0xFA17, stall: .milliseconds(400))
            ) { proxy in
                let environment = gateway.gwctlEnvironment(through: proxy.url)
                let direct = gateway.gwctlEnvironment()
                let gwctl = BuiltProduct("gwctl")
                var live: [String: String] = [:]
                var retired: [String] = []
                var failures = 0
                for round in 0..<12 {
                    try Self.faultsTeam(keys: 3 + round, rotation: round).write(
                        to: gateway.directory.appendingPathComponent("acme/faults.yaml"), atomically: true,
                        encoding: .utf8)
                    // An apply that gets no answer says so and is run again, as a pipeline would.
                    var applied = false
                    for _ in 0..<3 where !applied {
                        try? FileManager.default.removeItem(at: gateway.directory.appendingPathComponent("keys.json"))
                        let apply = try await gwctl.run(
                            ["apply", "acme", "--auto-approve", "--keys-out", "keys.json"], environment: environment,
                            directory: gateway.directory)
                        if apply.status == 0 {
                            applied = true
                            let minted = try MintedKeysFile.read(gateway.directory.appendingPathComponent("keys.json"))
                            for (name, secret) in minted {
                                if let old = live[name] { retired.append(old) }
                                live[name] = secret
                            }
                        } else {
                            failures += 1
                            #expect(
                                apply.stderr.contains("did not apply") || apply.stderr.contains("cannot reach"),
                                "\(apply.stderr)")
                        }
                    }
                    #expect(applied, "round \(round) did not apply in 3 tries")
                    let plan = try await gwctl.run(
                        ["plan", "acme", "--detailed-exitcode"], environment: direct, directory: gateway.directory)
                    #expect(plan.status == 0, "round \(round): \(plan.stdout)\(plan.stderr)")
                }
                // 8 acme keys plus the 14 of the last round, each with the secret its apply reported.
                #expect(live.count == 22)
                for (name, secret) in live {
                    #expect(try await gateway.accepts(secret), "\(name): the reported secret is not the live one")
                }
                for secret in retired { #expect(try await !gateway.accepts(secret)) }
                let (requests, faults) = proxy.injected
                #expect(faults.values.reduce(0, +) > 0)
                print("gwctl under faults: \(requests) admin calls, faults \(faults), failed applies \(failures)")
            }
        }
    }

    @Test func retriedChangesetsApplyOnceAndEveryKindOfFaultIsSurvived() async throws {
        try await LiveGatewayd.with { gateway in
            let admin = gateway.admin
            _ = try await admin.apply(
                Changeset(operations: [
                    ChangeOperation(
                        op: .create, target: .team("faults"),
                        payload: .team(TeamRecord(metadata: ResourceMetadata(name: "faults"))))
                ]))
            let start = try await admin.state().revision
            try await FaultProxy.run(
                upstream: gateway.url, .init(rate: 0.2, seed: 0x5EED, stall: .milliseconds(300))
            ) { proxy in
                let faulty = AdminClient(serverURL: URL(string: proxy.url)!, token: gateway.token)
                var live: [String: String] = [:]
                var retired: [String] = []
                var revisions: [Int64] = []
                for index in 0..<150 {
                    let name = "key-\(index % 30)"
                    let exists = live[name] != nil
                    let result = try await faulty.apply(
                        Changeset(operations: [
                            ChangeOperation(
                                op: exists ? .rotate : .create, target: .apiKey(team: "faults", name: name),
                                payload: .apiKey(APIKeyRecord(team: "faults", name: name, rotationOverlapSeconds: 0)))
                        ]))
                    revisions.append(result.revision)
                    let secret = try #require(result.results.first?.secret)
                    if let old = live[name] { retired.append(old) }
                    live[name] = secret
                }
                // One revision per changeset: none was applied twice, none lost.
                #expect(revisions == Array(start + 1...start + 150))
                #expect(try await admin.state().revision == start + 150)
                #expect(
                    try await admin.auditLog(after: 0, limit: 10_000).filter { $0.target.team == "faults" }.count == 150
                )
                for secret in live.values { #expect(try await gateway.accepts(secret)) }
                for secret in retired.prefix(20) { #expect(try await !gateway.accepts(secret)) }
                let (requests, faults) = proxy.injected
                for fault in FaultProxy.Fault.allCases { #expect(faults[fault, default: 0] > 0, "no \(fault)") }
                print("admin client under faults: \(requests) calls, faults \(faults)")
            }
        }
    }

    /// Every changeset call fails: gwctl gives up after its retries and lists what did not apply;
    /// whether the gateway acted (a lost answer) or not (a 503), the next plan shows the truth.
    @Test(arguments: [FaultProxy.Fault.serverError, .resetAfterForwarding])
    func anApplyThatNeverHearsBackListsWhatDidNotApply(fault: FaultProxy.Fault) async throws {
        try await LiveGatewayd.with { gateway in
            try await FaultProxy.run(
                upstream: gateway.url, .init(rate: 1, faults: [fault], methods: ["POST"])
            ) { proxy in
                let gwctl = BuiltProduct("gwctl")
                let apply = try await gwctl.run(
                    ["apply", "acme", "--auto-approve", "--keys-out", "keys.json"],
                    environment: gateway.gwctlEnvironment(through: proxy.url), directory: gateway.directory)
                #expect(apply.status == 1)
                #expect(apply.stderr.contains("No answer after retrying"), "\(apply.stderr)")
                #expect(apply.stderr.contains("these 25 changes did not apply"))
                #expect(apply.stderr.contains("  - create team/payments\n"))
                #expect(proxy.injected.faults[fault] == 6, "one try and five retries")
                let plan = try await gwctl.run(
                    ["plan", "acme", "--detailed-exitcode"], environment: gateway.gwctlEnvironment(),
                    directory: gateway.directory)
                // A 503 never reached the gateway; a lost answer did, all of it.
                #expect(plan.status == (fault == .serverError ? 2 : 0), "\(plan.stdout)")
                if fault == .serverError { #expect(plan.stdout.contains("Plan: 25 to create")) }
            }
        }
    }

    @Test func anIdempotencyKeyReusedForAnotherChangesetIsRefused() async throws {
        try await LiveGatewayd.with { gateway in
            func post(_ body: String, key: String) async throws -> (Int, String) {
                var request = HTTPClientRequest(url: gateway.url + "/admin/v1/changesets")
                request.method = .POST
                request.headers.add(name: "authorization", value: "Bearer \(gateway.token)")
                request.headers.add(name: "content-type", value: "application/json")
                request.headers.add(name: "idempotency-key", value: key)
                request.body = .bytes(ByteBuffer(string: body))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
                return (Int(response.status.code), text)
            }
            func json(_ operation: ChangeOperation) throws -> String {
                String(decoding: try JSONEncoder().encode(Changeset(operations: [operation])), as: UTF8.self)
            }
            func team(_ name: String) throws -> String {
                try json(
                    ChangeOperation(
                        op: .create, target: .team(name),
                        payload: .team(TeamRecord(metadata: ResourceMetadata(name: name)))))
            }
            let key = try json(
                ChangeOperation(
                    op: .create, target: .apiKey(team: "a", name: "k"),
                    payload: .apiKey(APIKeyRecord(team: "a", name: "k"))))
            #expect(try await post(try team("a"), key: "first").0 == 200)
            let minted = try await post(key, key: "second")
            let replayed = try await post(key, key: "second")
            #expect(minted.0 == 200 && replayed.0 == 200)
            // The replay is the first answer, secret and all; the key was minted once.
            let first = try JSONDecoder().decode(ChangesetResult.self, from: Data(minted.1.utf8))
            #expect(try JSONDecoder().decode(ChangesetResult.self, from: Data(replayed.1.utf8)) == first)
            let secret = try #require(first.results.first?.secret)
            #expect(secret.hasPrefix("gw_"))
            let reused = try await post(try team("b"), key: "second")
            #expect(reused.0 == 422 && reused.1.contains("idempotency_key_reused"), "\(reused)")
            let invalid = try await post(try team("c"), key: String(repeating: "k", count: 300))
            #expect(invalid.0 == 400, "\(invalid)")
            // The stored answer is sealed: the minted secret is not in the database file.
            let database = try Data(contentsOf: gateway.directory.appendingPathComponent("gw/state.db"))
            let wal = (try? Data(contentsOf: gateway.directory.appendingPathComponent("gw/state.db-wal"))) ?? Data()
            #expect(database.range(of: Data(secret.utf8)) == nil && wal.range(of: Data(secret.utf8)) == nil)
        }
    }
}

/// The `--keys-out` file: team/name → secret.
enum MintedKeysFile {
    static func read(_ url: URL) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        var keys: [String: String] = [:]
        for key in object?["keys"] as? [[String: Any]] ?? [] {
            if let team = key["team"] as? String, let name = key["name"] as? String,
                let secret = key["secret"] as? String
            {
                keys["\(team)/\(name)"] = secret
            }
        }
        return keys
    }
}
