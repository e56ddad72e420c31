import ArgumentParser
import Foundation
import GwctlCore

/// Which gateway a command talks to: `--gateway` / `GWCTL_GATEWAY`, else the embedded state file.
struct TargetOptions: ParsableArguments {
    @Option(help: "A gatewayd admin URL (or GWCTL_GATEWAY; token in GWCTL_TOKEN). Default: the embedded state.")
    var gateway: String?
    @Option(help: "The embedded state file.") var state: String?

    func target() throws -> GatewayTarget {
        try GatewayTarget.resolve(gateway: gateway, statePath: state, environment: ProcessInfo.processInfo.environment)
    }
}
