import ArgumentParser
import Foundation
import GatewayPlan

/// `gwctl plan PATH...`: what apply would change, without changing anything.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what applying the manifests would change.",
        discussion: """
            Exit status: 0 on success (with --detailed-exitcode: 0 no changes, 2 changes), 1 on an error \
            (invalid manifests, an unresolvable secret, a protected deletion, --max-deletes exceeded).
            """
    )

    @OptionGroup var options: PlanOptions
    @Flag(help: "Print the plan as JSON.") var json = false
    @Flag(help: "Exit 2 when the plan has changes, 0 when it has none.") var detailedExitcode = false

    func run() async throws {
        let (plan, _, _) = try await options.plan()
        if json {
            print(try PlanRenderer.json(plan), terminator: "")
        } else {
            print(
                PlanRenderer.text(plan, colored: Terminal.supportsColor(fileDescriptor: STDOUT_FILENO)), terminator: "")
        }
        if !plan.errors.isEmpty { throw ExitCode(1) }
        if detailedExitcode, plan.hasChanges { throw ExitCode(2) }
    }
}
