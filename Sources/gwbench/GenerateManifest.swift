import ArgumentParser
import Foundation
import ManifestKit

/// `gwbench generate`: writes a synthetic manifest set for use with the real CLI.
struct GenerateManifest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write a synthetic manifest file (one multi-document YAML).")

    @Option(help: "Number of teams.") var teams = 10_000
    @Option(help: "Keys per team.") var keysPerTeam = 10
    @Option(help: "Output file.") var out: String

    func run() throws {
        let text = SyntheticManifest.yaml(teams: teams, keysPerTeam: keysPerTeam)
        try text.write(toFile: out, atomically: true, encoding: .utf8)
        print("wrote \(out): \(text.utf8.count) bytes, \(teams) teams, \(teams * keysPerTeam) keys")
    }
}
