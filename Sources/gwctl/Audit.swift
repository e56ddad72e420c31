import ArgumentParser
import Foundation
import GatewayModel
import GwctlCore
import PolicyAudit

/// `gwctl audit`: every key with its team, lifecycle and reach, and every finding, from the live state.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Report every API key's team, lifecycle and reach, and what is wrong with the configuration.",
        discussion: """
            Reads the target's state (any target: embedded or --gateway) and reports one row per key: \
            team, display prefix, managedBy, created, expires, last used, and the providers and models \
            it can reach after allowlists, rules and ZDR, with the credential that pays (BYOK or system \
            credits). Findings carry a stable id, a severity and a one-line fix.

            Exit codes: 0 no finding at or above --fail-on (or no --fail-on), 2 findings at or above \
            --fail-on, 1 error.
            """
    )

    @Option(help: "Output format: table, json, csv or markdown.") var format = AuditFormat.table
    @Option(help: "Exit 2 when a finding is at least this severe: warning or error.") var failOn: FailureThreshold?
    @Option(name: .customLong("team"), help: "Only this team (repeatable).") var teams: [String] = []
    @Option(help: "Report keys unused for this many days.") var unusedDays: Int?
    @Option(help: "Report keys expiring within this many days.") var expiringDays = 14
    @Option(help: "What to print: all, keys or findings (csv prints keys unless findings).")
    var only = AuditReport.Section.all
    @OptionGroup var targetOptions: TargetOptions

    func validate() throws {
        if let unusedDays, unusedDays < 1 { throw ValidationError("--unused-days must be at least 1") }
        guard expiringDays >= 0 else { throw ValidationError("--expiring-days must not be negative") }
    }

    func run() async throws {
        let workspaces = try targetOptions.workspaces()
        guard workspaces.count == 1 else { return try await runAcross(workspaces) }
        let target = workspaces[0].target
        let state = try await target.reader()?.state() ?? GatewayState()
        let known = Set(state.teams.map(\.metadata.name))
        for team in teams where !known.contains(team) {
            throw CommandFailure("--team \(team): no such team at \(target)")
        }
        let report = Audit.run(
            state, target: target.description,
            options: Audit.Options(
                unusedDays: unusedDays, expiringWithinDays: expiringDays, teams: teams.isEmpty ? nil : Set(teams)))
        switch format {
        case .json: print(try report.json(), terminator: "")
        case .csv: print(report.csv(only), terminator: "")
        case .markdown: print(report.markdown(), terminator: "")
        case .table: print(report.table(only), terminator: "")
        }
        if let failOn, report.hasFindings(atLeast: failOn.severity) {
            throw ExitCode(2)
        }
    }

    /// `--env all`: every environment's audit, then the identities that differ between them.
    private func runAcross(_ workspaces: [Workspace]) async throws {
        guard format != .csv else {
            throw ValidationError("--format csv audits one environment at a time; use table, json or markdown")
        }
        var states: [(environment: String, target: String, state: GatewayState)] = []
        for workspace in workspaces {
            do {
                let state = try await workspace.target.reader()?.state() ?? GatewayState()
                states.append(
                    (workspace.environment ?? workspace.target.description, workspace.target.description, state))
            } catch {
                throw CommandFailure("environment \(workspace.environment ?? "?"): \(error)")
            }
        }
        let audit = EnvironmentsAudit(
            states,
            options: Audit.Options(
                unusedDays: unusedDays, expiringWithinDays: expiringDays, teams: teams.isEmpty ? nil : Set(teams)))
        switch format {
        case .json: print(try audit.json(), terminator: "")
        case .markdown: print(audit.markdown(), terminator: "")
        case .table, .csv: print(audit.table(only), terminator: "")
        }
        if let failOn, audit.hasFindings(atLeast: failOn.severity) {
            throw ExitCode(2)
        }
    }
}
