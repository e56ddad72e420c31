import ArgumentParser
import Foundation
import GwctlCore
import ManifestKit

/// `gwctl render --env NAME`: the manifests an environment is made of, overlays merged and
/// variables substituted, as one YAML stream.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print an environment's manifests with its overlays merged and its variables substituted.",
        discussion: """
            The output loads back to the same desired state: every resource once, sorted by kind \
            and name, secrets as the env: and file: references they are (never values). Exit 1 \
            when the manifests are invalid, with every diagnostic.
            """
    )

    @Argument(help: "Manifest files or directories (default: the --env environment's paths).")
    var paths: [String] = []
    @OptionGroup var environment: EnvironmentOption

    func validate() throws {
        guard !paths.isEmpty || environment.isChosen else {
            throw ValidationError("give an environment with --env, or manifest files or directories")
        }
        if environment.name == "all" { throw ValidationError("render one environment at a time") }
    }

    func run() throws {
        let workspace = try Workspace.resolve(environment: environment.name, paths: paths, gateway: nil, state: nil)[0]
        let manifests = workspace.loader.load(paths: workspace.paths)
        guard manifests.isValid else { throw Terminal.rejected(manifests.diagnostics, nothingWas: "rendered") }
        Terminal.write(manifests.diagnostics)
        print(ManifestWriter.documents(manifests.state), terminator: "")
    }
}
