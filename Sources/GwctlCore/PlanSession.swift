import Foundation
import GatewayModel
import GatewayPlan
import ManifestKit

/// Manifests in, plan out: load and validate, resolve secrets, read the live state, diff.
/// Stops at the first stage that fails, with every diagnostic of that stage.
public struct PlanSession: Sendable {
    public var paths: [String]
    public var target: GatewayTarget
    public var options: Planner.Options
    public var resolver: SecretResolver

    public init(
        paths: [String], target: GatewayTarget, options: Planner.Options, resolver: SecretResolver = SecretResolver()
    ) {
        self.paths = paths
        self.target = target
        self.options = options
        self.resolver = resolver
    }

    /// The outcome of planning.
    public enum Outcome: Sendable {
        /// The manifests or their secrets are wrong; nothing was contacted.
        case invalid([Diagnostic])
        case planned(Plan, desired: DesiredRecords, references: [ResourceRef: SecretReference], warnings: [Diagnostic])
    }

    public func run() async throws -> Outcome {
        var manifests = ManifestLoader().load(paths: paths)
        ManifestLint.lint(&manifests)
        guard manifests.isValid else { return .invalid(manifests.diagnostics) }
        let (secrets, secretDiagnostics) = resolver.resolve(manifests)
        guard secretDiagnostics.isEmpty else { return .invalid(manifests.diagnostics + secretDiagnostics) }
        let desired = DesiredRecords(state: manifests.state, secrets: secrets)
        let actual = try await target.reader()?.state() ?? GatewayState()
        let plan = Planner(options: options).plan(desired: desired, actual: actual, target: target.description)
        return .planned(
            plan, desired: desired, references: SecretResolver.references(in: manifests),
            warnings: manifests.diagnostics)
    }
}
