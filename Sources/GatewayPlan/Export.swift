import GatewayModel

/// The live state as manifests: the inverse of `DesiredRecords`. Secrets the gateway holds
/// become `env:` references to variables the user fills in (the gateway never returns values).
public enum Export {
    /// The environment variable an exported secret is read from, e.g. `GWCTL_SECRET_PAYMENTS_AZURE_PROD`.
    public static func variable(for ref: ResourceRef) -> String {
        let parts = ref.kind == .provider ? ["PROVIDER", ref.name] : [ref.team ?? "", ref.name]
        return "GWCTL_SECRET_"
            + parts.map { $0.uppercased().replacingOccurrences(of: "-", with: "_") }.joined(separator: "_")
    }

    public static func desiredState(_ state: GatewayState) -> DesiredState {
        let providers = state.providers.map { record in
            Provider(
                metadata: record.metadata, type: record.type, baseURL: record.baseURL,
                zeroDataRetention: record.zeroDataRetention,
                secret: record.secret == nil ? nil : .env(variable(for: .provider(record.metadata.name))),
                models: record.models)
        }
        let policy = state.policy.map { record in
            GatewayPolicy(
                metadata: record.metadata, dataRetention: record.dataRetention,
                byokRequiresPaidTier: record.byokRequiresPaidTier, perRequestBYOK: record.perRequestBYOK,
                keyRotationOverlapSeconds: record.keyRotationOverlapSeconds)
        }
        var credentials: [String: [BYOKCredential]] = [:]
        for record in state.credentials {
            credentials[record.team, default: []].append(
                BYOKCredential(
                    name: record.name, provider: record.provider,
                    secret: .env(variable(for: .credential(team: record.team, name: record.name))),
                    options: record.options))
        }
        var keys: [String: [APIKeySpec]] = [:]
        for record in state.apiKeys {
            keys[record.team, default: []].append(
                APIKeySpec(
                    name: record.name, description: record.description, expiresAt: record.expiresAt,
                    models: record.models, budget: record.budget, rateLimit: record.rateLimit,
                    rotation: record.rotation,
                    rotationOverlapSeconds: record.rotationOverlapSeconds))
        }
        let teams = state.teams.map { record in
            Team(
                metadata: record.metadata, displayName: record.displayName, tier: record.tier,
                suspension: record.suspension, dataRetention: record.dataRetention, providers: record.providers,
                models: record.models, budget: record.budget, rateLimit: record.rateLimit,
                byok: credentials[record.metadata.name] ?? [], keys: keys[record.metadata.name] ?? [])
        }
        let rules = state.rules.map { record in
            Rule(metadata: record.metadata, priority: record.priority, match: record.match, action: record.action)
        }
        let issuers = state.issuers.map { Issuer(metadata: $0.metadata, spec: $0.spec) }
        return DesiredState(providers: providers, policy: policy, teams: teams, rules: rules, issuers: issuers)
    }
}
