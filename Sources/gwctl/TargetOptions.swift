import ArgumentParser
import Foundation
import GwctlCore

/// `--env NAME`: an environment of the project file (`gwctl.yaml`), or `GWCTL_ENV`.
struct EnvironmentOption: ParsableArguments {
    @Option(
        name: .customLong("env"),
        help: ArgumentHelp(
            "An environment of the project file (gwctl.yaml, found from here upwards; or GWCTL_ENV): its manifest paths, gateway and variables.",
            valueName: "name"))
    var name: String?

    /// Whether an environment is chosen, here or by `GWCTL_ENV`.
    var isChosen: Bool { name != nil || !(ProcessInfo.processInfo.environment["GWCTL_ENV"] ?? "").isEmpty }
}

/// Which gateway a command talks to: `--gateway` / `GWCTL_GATEWAY`, else an environment's
/// gateway (`--env`), else the embedded state file.
struct TargetOptions: ParsableArguments {
    @Option(
        help:
            "A gatewayd admin URL (or GWCTL_GATEWAY; token in GWCTL_TOKEN, or an OIDC token in GWCTL_OIDC_TOKEN_FILE). Default: the embedded state."
    )
    var gateway: String?
    @Option(help: "The embedded state file.") var state: String?
    @OptionGroup var environment: EnvironmentOption

    /// The workspaces to run on: one, or each environment for `--env all`.
    func workspaces(paths: [String] = []) throws -> [Workspace] {
        try Workspace.resolve(environment: environment.name, paths: paths, gateway: gateway, state: state)
    }

    /// The one workspace a command runs on; `--env all` is refused.
    func workspace(paths: [String] = []) throws -> Workspace {
        let all = try workspaces(paths: paths)
        guard all.count == 1 else {
            throw ValidationError("--env all runs validate and test on every environment; name one environment here")
        }
        return all[0]
    }

    func target() throws -> GatewayTarget { try workspace().target }
}
