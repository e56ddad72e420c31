import ArgumentParser
import Foundation
import GwctlCore
import ManifestKit

/// `gwctl validate PATH...`: every manifest error at once, compiler-style; exit 1 on any error.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check manifests without contacting a gateway.",
        discussion: """
            Reads *.yaml and *.yml files under each PATH (directories recursively) and reports every \
            problem as file:line:col: error: message. Exits 0 when the manifests are valid (warnings \
            allowed) and 1 when any error was found.
            """
    )

    @Argument(help: "Manifest files or directories (default: the --env environment's paths).")
    var paths: [String] = []

    @Option(help: "Output format: text (compiler-style, on stderr) or json (on stdout).")
    var format: DiagnosticFormat = .text

    @OptionGroup var environment: EnvironmentOption

    func validate() throws {
        guard !paths.isEmpty || environment.isChosen else {
            throw ValidationError("give at least one manifest file or directory, or an environment with --env")
        }
        if environment.name == "all", format == .json {
            throw ValidationError("--env all prints text; validate one environment at a time for --format json")
        }
    }

    func run() throws {
        let workspaces = try Workspace.resolve(environment: environment.name, paths: paths, gateway: nil, state: nil)
        var valid = true
        for workspace in workspaces {
            if workspaces.count > 1 { print("== environment \(workspace.environment ?? "")") }
            valid = report(workspace) && valid
        }
        // Exit here rather than return: freeing a 100k-key tree node by node costs a third of a
        // second that the operating system does for free when the process ends.
        Terminal.flushAndExit(valid ? 0 : 1)
    }

    /// Validates one workspace's manifests and prints the outcome; whether they are valid.
    private func report(_ workspace: Workspace) -> Bool {
        var manifests = workspace.loader.load(paths: workspace.paths)
        ManifestLint.lint(&manifests)
        switch format {
        case .text:
            let colored = Terminal.supportsColor(fileDescriptor: STDERR_FILENO)
            Terminal.write(DiagnosticRenderer.text(manifests.diagnostics, colored: colored), to: .standardError)
            if manifests.isValid {
                print(
                    "valid: \(manifests.summary) in \(manifests.files.count) \(manifests.files.count == 1 ? "file" : "files"); \(DiagnosticRenderer.summary(manifests.diagnostics))"
                )
            } else {
                Terminal.write("invalid: \(DiagnosticRenderer.summary(manifests.diagnostics))\n", to: .standardError)
            }
        case .json:
            print(
                DiagnosticRenderer.json(manifests.diagnostics, extra: [("files", .int(manifests.files.count))]),
                terminator: "")
        }
        return manifests.isValid
    }
}

/// How `validate` prints diagnostics.
enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
