import Foundation
import GatewayCrypto
import GatewayModel

/// A plan saved with `gwctl plan -out FILE`, applied later with `gwctl apply FILE`.
///
/// It holds no secret: only where each secret comes from (`env:`/`file:`) and a salted
/// fingerprint of the value seen at plan time. Apply resolves the secrets again and refuses
/// when one differs; the gateway refuses (by precondition) when a resource the plan touches
/// changed since it was read.
public struct SavedPlan: Sendable, Hashable, Codable {
    /// Identifies the file format.
    public var kind = "gwctl-plan"
    public var plan: Plan
    public var createdAt: Timestamp
    /// The manifest paths the plan was made from.
    public var paths: [String]
    /// Where the secrets the plan sends come from, by resource.
    public var secretSources: [String: SecretReference]
    /// Salted fingerprints of those secrets at plan time.
    public var secretFingerprints: [String: SecretFingerprint]

    public init(plan: Plan, paths: [String], references: [ResourceRef: SecretReference], secrets: [ResourceRef: String])
    {
        self.plan = plan
        createdAt = .now
        self.paths = paths
        var sources: [String: SecretReference] = [:]
        var fingerprints: [String: SecretFingerprint] = [:]
        for action in plan.actions where action.secret == .added || action.secret == .changed {
            let key = action.target.description
            if let reference = references[action.target] { sources[key] = reference }
            if let secret = secrets[action.target] { fingerprints[key] = SecretFingerprint.make(secret) }
        }
        secretSources = sources
        secretFingerprints = fingerprints
    }

    /// Resolves the plan's secrets again with `resolve`; throws when one is missing or changed.
    public func secrets(resolve: (SecretReference) -> Result<String, some Error>) throws -> [ResourceRef: String] {
        var secrets: [ResourceRef: String] = [:]
        var problems: [String] = []
        for action in plan.actions where action.secret == .added || action.secret == .changed {
            let key = action.target.description
            guard let reference = secretSources[key], let fingerprint = secretFingerprints[key] else {
                problems.append("\(key): the saved plan does not say where its secret comes from")
                continue
            }
            switch resolve(reference) {
            case .success(let value) where fingerprint.matches(value): secrets[action.target] = value
            case .success: problems.append("\(key): the secret in \(reference) changed since the plan was made")
            case .failure(let error): problems.append("\(key): \(error)")
            }
        }
        guard problems.isEmpty else { throw SavedPlanError.secrets(problems) }
        return secrets
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads a saved plan; nil when the data is not one (so a manifest path is not mistaken for it).
    public static func decode(_ data: Data) -> SavedPlan? {
        guard let plan = try? JSONDecoder().decode(SavedPlan.self, from: data), plan.kind == "gwctl-plan" else {
            return nil
        }
        return plan
    }
}

/// Why a saved plan cannot be applied.
public enum SavedPlanError: Error, CustomStringConvertible {
    case secrets([String])

    public var description: String {
        switch self {
        case .secrets(let problems):
            return "the saved plan's secrets cannot be used; plan again:\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n")
        }
    }
}
