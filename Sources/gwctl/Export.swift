import ArgumentParser
import Foundation
import GatewayModel
import GatewayPlan
import GwctlCore
import ManifestKit

/// `gwctl export DIR`: the live gateway as manifests, one file per team.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write manifests from the live gateway state (one file per team).",
        discussion: """
            Secrets are written as env: references (GWCTL_SECRET_…) to fill in; the gateway never returns \
            secret values. Applying the export adopts resources made outside gwctl. Export, then plan with \
            the variables set, shows no changes.
            """
    )

    @Argument(help: "The directory to write (created if needed; existing files are overwritten).") var directory: String
    @OptionGroup var targetOptions: TargetOptions

    func run() async throws {
        let target = try targetOptions.target()
        let live = try await target.reader()?.state() ?? GatewayState()
        let desired = Export.desiredState(live)
        let root = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("teams"), withIntermediateDirectories: true)
        let note = "# Exported by gwctl from \(target.description) at state revision \(live.revision).\n"
        var files = 0
        func write(_ name: String, _ documents: [String]) throws {
            guard !documents.isEmpty else { return }
            try (note + documents.joined(separator: "---\n")).write(
                to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
            files += 1
        }
        try write("gateway-policy.yaml", desired.policy.map { [ManifestWriter.document($0)] } ?? [])
        try write("providers.yaml", desired.providers.map(ManifestWriter.document))
        try write("rules.yaml", desired.rules.map(ManifestWriter.document))
        if !desired.issuers.isEmpty { try write("issuers.yaml", desired.issuers.map(ManifestWriter.document)) }
        for team in desired.teams { try write("teams/\(team.name).yaml", [ManifestWriter.document(team)]) }
        print("Wrote \(files) files to \(directory): \(desired.teams.count) teams, \(desired.keyCount) keys.")
        let variables =
            live.providers.filter { $0.secret != nil }.map { Export.variable(for: .provider($0.metadata.name)) }
            + live.credentials.map { Export.variable(for: .credential(team: $0.team, name: $0.name)) }
        if !variables.isEmpty {
            print("Set these variables to the secrets before planning:")
            for variable in variables { print("  \(variable)") }
        }
    }
}
