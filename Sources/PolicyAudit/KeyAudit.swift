import GatewayModel

/// One API key as the audit reports it: who owns it, its lifecycle, and what it can reach.
public struct KeyAudit: Sendable, Hashable, Codable {
    /// Whether the key can be used right now.
    public enum Status: String, Sendable, Hashable, Codable {
        case active
        case expired
        case teamSuspended = "team-suspended"
    }

    public var team: String
    public var name: String
    /// The display prefix of the secret (`gw_3kF9aB2x`); nil before the gateway minted it.
    public var prefix: String?
    /// `gwctl`, `api`, …; nil when not known (manifests).
    public var managedBy: String?
    public var createdAt: Timestamp?
    public var expiresAt: Timestamp?
    public var lastUsedAt: Timestamp?
    /// Secrets a rotation replaced that still authenticate, each until its `retiresAt`; nil when none.
    public var retiringSecrets: [PreviousSecret]?
    public var status: Status
    /// Providers and models the key can reach now, after allowlists, rules and ZDR, each with the
    /// credential that would pay; empty when the key is not active.
    public var reach: [ProviderReach]
    /// For a workload identity (an OIDC token mapped to the team), the Issuer that maps it; nil for keys.
    public var issuer: String?

    public var qualifiedName: String { team + "/" + name }
}

/// The models a key can reach at one provider, and the credential used there.
public struct ProviderReach: Sendable, Hashable, Codable {
    public var provider: String
    public var models: [String]
    /// `teamBYOK` (the team's own credential) or `system` (the provider's, paid from credits).
    public var credentialKind: UsageRecord.CredentialKind
    /// The team credential's name, for BYOK.
    public var credentialName: String?

    public var paidFromCredits: Bool { credentialKind == .system }

    /// `BYOK payments/openai-prod` or `system (credits)`.
    public func credentialDescription(team: String) -> String {
        switch credentialKind {
        case .system: return "system (credits)"
        case .teamBYOK, .requestBYOK: return "BYOK " + (credentialName.map { team + "/" + $0 } ?? "per request")
        }
    }
}

extension APIKeyRecord {
    /// The previous secrets still authenticating at `now`, soonest to retire first; nil when none.
    func retiringSecrets(at now: Timestamp) -> [PreviousSecret]? {
        let live = (previousSecrets ?? []).filter { $0.isLive(at: now) }.sorted { $0.retiresAt < $1.retiresAt }
        return live.isEmpty ? nil : live
    }
}
