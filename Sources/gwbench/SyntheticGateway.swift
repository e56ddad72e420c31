import ArgumentParser
import Foundation
import GatewayModel
import GatewayPlan
import GatewayStore
import GwctlCore
import ManifestKit

/// A synthetic manifest set written to a temporary directory, and an embedded state to apply it to.
struct SyntheticGateway {
    let directory: URL
    let manifest: String
    let statePath: String
    let store: SQLiteGatewayStore
    let resolver: SecretResolver

    var embedded: GatewayTarget { .embedded(statePath: statePath) }

    init(name: String, teams: Int, keysPerTeam: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwbench-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        manifest = directory.appendingPathComponent("manifests.yaml").path
        try SyntheticManifest.yaml(teams: teams, keysPerTeam: keysPerTeam).write(
            toFile: manifest, atomically: true, encoding: .utf8)
        var environment = ["SYSTEM_OPENAI_KEY": "sys-openai", "SYSTEM_ANTHROPIC_KEY": "sys-anthropic"]
        for team in 0..<teams { environment["TEAM_\(team)_ANTHROPIC_KEY"] = "byok-\(team)" }
        resolver = SecretResolver(environment: environment)
        statePath = directory.appendingPathComponent("state.db").path
        store = try StateFiles(statePath: statePath).openStore(environment: [:], create: true)
    }

    /// Plans the manifests (or `paths`) against the embedded state.
    func plan(paths: [String]? = nil, accessReview: Bool = true) async throws -> (Plan, DesiredRecords) {
        let session = PlanSession(
            paths: paths ?? [manifest], target: embedded, options: .init(), resolver: resolver,
            accessReview: accessReview)
        guard case .planned(let plan, let desired, _, _) = try await session.run() else {
            throw ValidationError("the synthetic manifests are invalid")
        }
        return (plan, desired)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
