import AdminAPI
import ArgumentParser
import Foundation
import GatewayModel
import GwctlCore
import ManifestKit
import PolicyAudit

/// `gwbench audit`: a synthetic gateway audited embedded and over HTTP, and its manifests linted.
struct AuditBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Time gwctl audit (read the state, analyse, render) and the plan-time lint.")

    @Option(help: "Number of teams.") var teams = 10_000
    @Option(help: "Keys per team.") var keysPerTeam = 10

    func run() async throws {
        let gateway = try SyntheticGateway(name: "audit", teams: teams, keysPerTeam: keysPerTeam)
        defer { gateway.remove() }
        let (plan, desired) = try await gateway.plan()
        _ = try await gateway.store.apply(try plan.changeset(secrets: desired.secrets), actor: "bench")

        var start = ContinuousClock.now
        let state = try await gateway.store.state()
        let readTime = ContinuousClock.now - start
        start = ContinuousClock.now
        let audit = Audit.run(state, target: "embedded", options: Audit.Options(unusedDays: 30))
        let analyseTime = ContinuousClock.now - start
        start = ContinuousClock.now
        let table = audit.table()
        let renderTime = ContinuousClock.now - start
        print("embedded audit of \(audit.keys.count) keys, \(audit.findings.count) findings:")
        report("  read the state", readTime)
        report("  analyse (reach and findings)", analyseTime)
        report("  render the table (\(table.utf8.count >> 20) MiB)", renderTime)
        report("  total", readTime + analyseTime + renderTime)

        try await LocalGateway.with(gateway.store) { url in
            let start = ContinuousClock.now
            let client = AdminClient(serverURL: url, token: LocalGateway.token)
            let state = try await client.state()
            let read = ContinuousClock.now - start
            let remote = Audit.run(state, target: url.absoluteString)
            let analysed = ContinuousClock.now - start
            _ = remote.table()
            report("audit over HTTP of \(remote.keys.count) keys (read, analyse, table)", ContinuousClock.now - start)
            report("  of which reading the state", read)
            report("  of which analysing", analysed - read)
            let json = ContinuousClock.now
            _ = try remote.json()
            report("JSON rendering of the report", ContinuousClock.now - json)
        }

        var manifests = ManifestLoader().load(paths: [gateway.manifest])
        start = ContinuousClock.now
        ManifestLint.lint(&manifests)
        report("plan-time lint of \(manifests.state.teams.count) teams", ContinuousClock.now - start)
        print("peak RSS: \(PeakMemory.residentMegabytes()) MiB")
    }
}
