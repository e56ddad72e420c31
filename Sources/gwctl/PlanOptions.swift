import ArgumentParser
import Foundation
import GatewayModel
import GatewayPlan
import GwctlCore
import ManifestKit

/// What plan and apply share: manifests, the target, and the plan's safety limits.
struct PlanOptions: ParsableArguments {
    @Argument(help: "Manifest files or directories (default: the --env environment's paths).") var paths: [String] = []
    @OptionGroup var targetOptions: TargetOptions
    @Option(help: "Fail the plan when it would delete more than this many resources.") var maxDeletes: Int?
    @Option(name: .customLong("team"), help: "Limit the plan to this team (repeatable).") var teams: [String] = []
    @Flag(
        inversion: .prefixedNo,
        help: "Show the access review: what each affected key gains or loses, and spend exposure.")
    var access = true
    @Option(
        help: ArgumentHelp(
            "Decide the requests the gateway served in this window again under the planned state: 7d, 24h, 30m, or an RFC 3339 instant.",
            valueName: "window"), transform: TimeWindow.argument(for: "--replay"))
    var replay: TimeWindow?

    func validate() throws {
        guard !paths.isEmpty || targetOptions.environment.isChosen else {
            throw ValidationError("give at least one manifest file or directory, or an environment with --env")
        }
        if let maxDeletes, maxDeletes < 0 { throw ValidationError("--max-deletes must not be negative") }
    }

    func session() throws -> PlanSession {
        let workspace = try targetOptions.workspace(paths: paths)
        return PlanSession(
            paths: workspace.paths, target: workspace.target,
            options: Planner.Options(maxDeletes: maxDeletes, teams: teams.isEmpty ? nil : Set(teams)),
            resolver: workspace.resolver, accessReview: access, replay: replay, loader: workspace.loader)
    }

    /// Runs the session; prints diagnostics and exits 1 when the manifests or secrets are invalid.
    /// Returns the plan, what it was made of, and the paths read.
    func plan() async throws -> (Plan, DesiredRecords, [ResourceRef: SecretReference], GatewayTarget, [String]) {
        let session = try session()
        let outcome: PlanSession.Outcome
        outcome = try await session.run()
        switch outcome {
        case .invalid(let diagnostics):
            throw Terminal.rejected(diagnostics, nothingWas: "planned")
        case .planned(let plan, let desired, let references, let warnings):
            Terminal.write(warnings)
            return (plan, desired, references, session.target, session.paths)
        }
    }
}
