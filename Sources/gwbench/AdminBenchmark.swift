import AdminAPI
import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatewayModel
import GatewayServer
import GatewayStore
import GatewayStorePostgres
import GwctlCore
import Hummingbird
import Logging
import ManifestKit

/// `gwbench admin`: one changeset creating N teams and their keys, then a full state read,
/// embedded and over HTTP against an in-process gatewayd on a loopback port.
struct AdminBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Time a large changeset and GET /admin/v1/state, embedded and over HTTP.")

    @Option(help: "Number of teams.") var teams = 10_000
    @Option(help: "Keys per team.") var keysPerTeam = 10
    @Option(help: "Also time the PostgreSQL store on this (empty) database, e.g. from scripts/postgres.")
    var postgres: String?

    func run() async throws {
        let changeset = Self.changeset(teams: teams, keysPerTeam: keysPerTeam)
        print("changeset: \(changeset.operations.count) operations (\(teams) teams, \(teams * keysPerTeam) keys)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwbench-admin-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }

        // Embedded: the store in this process.
        let embeddedStore = try StateFiles(statePath: directory.appendingPathComponent("embedded/state.db").path)
            .openStore(environment: [:], create: true)
        let embedded = EmbeddedAdmin(store: embeddedStore, targetDescription: "embedded")
        var start = ContinuousClock.now
        _ = try await embedded.apply(changeset)
        report("embedded apply", ContinuousClock.now - start)
        start = ContinuousClock.now
        let embeddedState = try await embedded.state()
        report("embedded state read (\(embeddedState.resourceCount) resources)", ContinuousClock.now - start)

        // HTTP: a gatewayd router served on a loopback ephemeral port.
        let store = try StateFiles(statePath: directory.appendingPathComponent("http/state.db").path)
            .openStore(environment: [:], create: true)
        try await LocalGateway.with(store) { url in
            let client = AdminClient(serverURL: url, token: LocalGateway.token)
            var start = ContinuousClock.now
            _ = try await client.apply(changeset)
            report("HTTP apply (encode, send, commit, respond)", ContinuousClock.now - start)
            start = ContinuousClock.now
            var request = HTTPClientRequest(url: url.absoluteString + "/admin/v1/state")
            request.headers.add(name: "Authorization", value: "Bearer \(LocalGateway.token)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let body = try await response.body.collect(upTo: 1 << 30)
            report(
                "HTTP GET /admin/v1/state, bytes received (\(body.readableBytes / 1_048_576) MiB, status \(response.status.code))",
                ContinuousClock.now - start)
            start = ContinuousClock.now
            let state = try await client.state()
            report("HTTP GET /admin/v1/state, decoded (\(state.resourceCount) resources)", ContinuousClock.now - start)
        }
        if let postgres { try await Self.postgres(postgres, changeset: changeset) }
    }

    /// The same changeset and reads against the PostgreSQL store, in this process.
    static func postgres(_ url: String, changeset: Changeset) async throws {
        var logger = Logger(label: "gwbench")
        logger.logLevel = .warning
        try await PostgresGatewayStore.with(
            try PostgresLocation(url: url), keyring: MasterKeyring.generate(), logger: logger
        ) { store in
            var start = ContinuousClock.now
            _ = try await store.apply(changeset, actor: "gwbench")
            report("PostgreSQL apply", ContinuousClock.now - start)
            start = ContinuousClock.now
            let state = try await store.state()
            report("PostgreSQL state read (\(state.resourceCount) resources)", ContinuousClock.now - start)
            start = ContinuousClock.now
            let json = try await store.stateJSON()
            report("PostgreSQL state JSON (\(json.count / 1_048_576) MiB)", ContinuousClock.now - start)
            start = ContinuousClock.now
            _ = try await store.apiKeyHashes()
            report("PostgreSQL key index read", ContinuousClock.now - start)
        }
    }

    /// Creates a mock provider, `teams` teams and `keysPerTeam` keys in each.
    static func changeset(teams: Int, keysPerTeam: Int) -> Changeset {
        var operations: [ChangeOperation] = [
            ChangeOperation(
                op: .create, target: .provider("mock"),
                payload: .provider(
                    ProviderRecord(
                        metadata: ResourceMetadata(name: "mock"), type: .mock, zeroDataRetention: true,
                        models: [ProviderModel(id: "mock/echo")])))
        ]
        operations.reserveCapacity(1 + teams * (keysPerTeam + 1))
        for team in 0..<teams {
            let name = SyntheticManifest.teamName(team)
            operations.append(
                ChangeOperation(
                    op: .create, target: .team(name),
                    payload: .team(
                        TeamRecord(
                            metadata: ResourceMetadata(name: name, labels: ["cost-center": "\(1000 + team % 9000)"]),
                            displayName: "Team \(team)", tier: .paid, providers: ["mock"], models: ["mock/*"],
                            budget: Budget(limitUSD: 100, period: .monthly),
                            rateLimit: RateLimit(requestsPerMinute: 600)))))
            for key in 0..<keysPerTeam {
                operations.append(
                    ChangeOperation(
                        op: .create, target: .apiKey(team: name, name: "service-\(key)"),
                        payload: .apiKey(
                            APIKeyRecord(
                                team: name, name: "service-\(key)", description: "Service \(key) of team \(team)",
                                expiresAt: Timestamp(rfc3339: "2030-01-15T00:00:00Z"), models: ["mock/echo"],
                                rateLimit: RateLimit(requestsPerMinute: 60 + key)))))
            }
        }
        return Changeset(operations: operations, managedBy: ManagedBy.gwctl)
    }
}
