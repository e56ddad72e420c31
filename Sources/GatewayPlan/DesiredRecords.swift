import GatewayModel

/// The desired state in the gateway's own terms: one record per resource, plus the resolved
/// secrets that providers and credentials should hold (kept apart, so that a record can be
/// printed, compared or saved without one).
public struct DesiredRecords: Sendable {
    public var providers: [ProviderRecord] = []
    public var policy: PolicyRecord?
    public var teams: [TeamRecord] = []
    public var credentials: [CredentialRecord] = []
    public var apiKeys: [APIKeyRecord] = []
    public var rules: [RuleRecord] = []
    public var issuers: [IssuerRecord] = []
    /// Plaintext secrets by provider or credential reference. Never rendered.
    public var secrets: [ResourceRef: String]

    public init(state: DesiredState, secrets: [ResourceRef: String]) {
        self.secrets = secrets
        providers = state.providers.map { provider in
            ProviderRecord(
                metadata: provider.metadata, type: provider.type, baseURL: provider.baseURL,
                zeroDataRetention: provider.zeroDataRetention, models: provider.models)
        }
        policy = state.policy.map { policy in
            PolicyRecord(
                metadata: policy.metadata, dataRetention: policy.dataRetention,
                byokRequiresPaidTier: policy.byokRequiresPaidTier, perRequestBYOK: policy.perRequestBYOK,
                keyRotationOverlapSeconds: policy.keyRotationOverlapSeconds)
        }
        for team in state.teams {
            teams.append(
                TeamRecord(
                    metadata: team.metadata, displayName: team.displayName, tier: team.tier,
                    suspension: team.suspension, dataRetention: team.dataRetention, providers: team.providers,
                    models: team.models, budget: team.budget, rateLimit: team.rateLimit))
            for credential in team.byok {
                credentials.append(
                    CredentialRecord(
                        team: team.name, name: credential.name, provider: credential.provider,
                        options: credential.options))
            }
            for key in team.keys {
                apiKeys.append(
                    APIKeyRecord(
                        team: team.name, name: key.name, description: key.description, expiresAt: key.expiresAt,
                        models: key.models, budget: key.budget, rateLimit: key.rateLimit, rotation: key.rotation,
                        rotationOverlapSeconds: key.rotationOverlapSeconds))
            }
        }
        rules = state.rules.map { rule in
            RuleRecord(metadata: rule.metadata, priority: rule.priority, match: rule.match, action: rule.action)
        }
        issuers = state.issuers.map { IssuerRecord(metadata: $0.metadata, spec: $0.spec) }
    }

    /// The desired records in the live state's shape, so both sides index the same way.
    public var asState: GatewayState {
        GatewayState(
            providers: providers, policy: policy, teams: teams, credentials: credentials, apiKeys: apiKeys,
            rules: rules,
            issuers: issuers)
    }
}
