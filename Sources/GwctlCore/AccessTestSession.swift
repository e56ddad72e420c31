import GatewayModel
import ManifestKit
import PolicyAudit

/// `gwctl test`: the manifests' access tests against their own desired state, or against a live
/// gateway's state after a deploy. Nothing is changed either way.
public struct AccessTestSession: Sendable {
    public var paths: [String]
    /// The gateway to test; nil tests the manifests' desired state.
    public var live: GatewayTarget?
    public var now: Timestamp
    /// Reads the manifests (with an environment's variables).
    public var loader: ManifestLoader

    public init(paths: [String], live: GatewayTarget?, now: Timestamp = .now, loader: ManifestLoader = .init()) {
        self.loader = loader
        self.paths = paths
        self.live = live
        self.now = now
    }

    public enum Outcome: Sendable {
        /// The manifests have errors (other than failing tests); nothing was tested.
        case invalid([Diagnostic])
        /// The tests ran against `target`.
        case ran([AccessTestResult], target: String, warnings: [Diagnostic])
    }

    public func run() async throws -> Outcome {
        let manifests = loader.load(paths: paths)
        guard manifests.isValid else { return .invalid(manifests.diagnostics) }
        let tests = manifests.state.accessTests
        let state: GatewayState
        let target: String
        if let live {
            state = try await live.reader()?.state() ?? GatewayState()
            target = live.description
        } else {
            state = ManifestLint.desiredState(of: manifests)
            target = "the manifests' desired state"
        }
        return .ran(AccessTestRun(state: state, now: now).run(tests), target: target, warnings: manifests.diagnostics)
    }
}
