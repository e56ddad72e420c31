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
            (invalid manifests, an unresolvable secret, a protected deletion, --max-deletes exceeded). \
            With -out FILE the plan is saved (without secrets) for `gwctl apply FILE`, which refuses it \
            if anything it touches changed in the meantime.
            """
    )

    @OptionGroup var options: PlanOptions
    @Flag(help: "Print the plan as JSON (schema: schemas/plan.schema.json).") var json = false
    @Flag(help: "Print the plan as Markdown, for pull-request comments.") var markdown = false
    @Flag(help: "Exit 2 when the plan has changes, 0 when it has none.") var detailedExitcode = false
    @Option(name: [.customLong("out", withSingleDash: true), .customLong("out")], help: "Save the plan to this file.")
    var out: String?

    func validate() throws {
        if json && markdown { throw ValidationError("choose one of --json and --markdown") }
    }

    func run() async throws {
        let (plan, desired, references, _, paths) = try await options.plan()
        if json {
            print(try PlanRenderer.json(plan), terminator: "")
        } else if markdown {
            print(MarkdownRenderer.markdown(plan), terminator: "")
        } else {
            print(
                PlanRenderer.text(plan, colored: Terminal.supportsColor(fileDescriptor: STDOUT_FILENO)), terminator: "")
        }
        if let out {
            let saved = SavedPlan(plan: plan, paths: paths, references: references, secrets: desired.secrets)
            try saved.encoded().write(to: URL(fileURLWithPath: out))
            if !json && !markdown { print("Saved the plan to \(out); apply it with `gwctl apply \(out)`.") }
        }
        if !plan.errors.isEmpty { throw ExitCode(1) }
        if detailedExitcode, plan.hasChanges { throw ExitCode(2) }
    }
}

/// `gwctl diff PATH...`: drift between the live gateway and the manifests.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show drift: how the live gateway differs from the manifests. Exit 2 on drift, 0 on none.",
        discussion: "The changes shown are what `gwctl apply` would do to remove the drift."
    )

    @OptionGroup var options: PlanOptions
    @Flag(help: "Print the drift as JSON.") var json = false

    func run() async throws {
        let (plan, _, _, _, _) = try await options.plan()
        if json {
            print(try PlanRenderer.json(plan), terminator: "")
        } else if plan.hasChanges {
            print("Drift: the live gateway differs from the manifests in \(plan.actions.count) resources.\n")
            print(
                PlanRenderer.text(plan, colored: Terminal.supportsColor(fileDescriptor: STDOUT_FILENO)), terminator: "")
        } else {
            print("No drift: \(plan.target) matches the manifests (state revision \(plan.stateRevision)).")
        }
        if !plan.errors.isEmpty { throw ExitCode(1) }
        if plan.hasChanges { throw ExitCode(2) }
    }
}
