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

    @Argument(help: "Manifest files or directories.") var paths: [String]
    @Flag(help: "Test the live gateway's state instead of the manifests' desired state.") var live = false
    @OptionGroup var targetOptions: TargetOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one manifest file or directory") }
        if !live, targetOptions.gateway != nil || targetOptions.state != nil {
            throw ValidationError("--gateway and --state choose the gateway for --live; add --live")
        }
    }

    func run() async throws {
        let session = AccessTestSession(paths: paths, live: live ? try targetOptions.target() : nil)
        let outcome: AccessTestSession.Outcome
        do {
            outcome = try await session.run()
        } catch {
            Terminal.write("error: \(error)\n", to: .standardError)
            throw ExitCode(1)
        }
        switch outcome {
        case .invalid(let diagnostics):
            throw Terminal.rejected(diagnostics, nothingWas: "tested")
        case .ran(let results, let target, let warnings):
            Terminal.write(warnings)
            guard !results.isEmpty else {
                print("No access tests (kind: AccessTest) in the manifests.")
                return
            }
            print(AccessTestReport.text(results, target: target), terminator: "")
            if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
        }
    }
}
