import ArgumentParser
import Foundation
import GwctlCore
import ManifestKit

/// `gwctl test PATH...`: the access tests in the manifests, against their desired state or a live gateway.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check the manifests' access tests (kind: AccessTest).",
        discussion: """
            By default the tests run against the state the manifests declare, without contacting a \
            gateway. With --live they run against the gateway's current state (--gateway, or the \
            embedded --state), as a post-deploy check. Exit status: 0 when every test passes, 1 when \
            one fails or the manifests are invalid. validate, plan and apply run the same tests and \
            refuse on a failure.
            """
    )

    @Argument(help: "Manifest files or directories (default: the --env environment's paths).") var paths: [String] = []
    @Flag(help: "Test the live gateway's state instead of the manifests' desired state.") var live = false
    @OptionGroup var targetOptions: TargetOptions

    func validate() throws {
        guard !paths.isEmpty || targetOptions.environment.isChosen else {
            throw ValidationError("give at least one manifest file or directory, or an environment with --env")
        }
        if !live, targetOptions.gateway != nil || targetOptions.state != nil {
            throw ValidationError("--gateway and --state choose the gateway for --live; add --live")
        }
    }

    func run() async throws {
        let workspaces = try targetOptions.workspaces(paths: paths)
        var passed = true
        for workspace in workspaces {
            if workspaces.count > 1 { print("== environment \(workspace.environment ?? "")") }
            passed = try await test(workspace) && passed
        }
        if !passed { throw ExitCode(1) }
    }

    /// Runs one workspace's tests and prints them; whether every one passed.
    private func test(_ workspace: Workspace) async throws -> Bool {
        let session = AccessTestSession(
            paths: workspace.paths, live: live ? workspace.target : nil, loader: workspace.loader)
        let outcome: AccessTestSession.Outcome
        outcome = try await session.run()
        switch outcome {
        case .invalid(let diagnostics):
            throw Terminal.rejected(diagnostics, nothingWas: "tested")
        case .ran(let results, let target, let warnings):
            Terminal.write(warnings)
            guard !results.isEmpty else {
                print("No access tests (kind: AccessTest) in the manifests.")
                return true
            }
            print(AccessTestReport.text(results, target: target), terminator: "")
            return results.allSatisfy(\.passed)
        }
    }
}
