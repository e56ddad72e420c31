/// Everything the gateway holds that manifests describe, at one revision.
public struct GatewayState: Sendable, Hashable, Codable {
    /// The revision this state was read at.
    public var revision: Int64
    public var providers: [ProviderRecord]
    public var policy: PolicyRecord?
    public var teams: [TeamRecord]
    public var credentials: [CredentialRecord]
    public var apiKeys: [APIKeyRecord]
    public var rules: [RuleRecord]

    public init(
        revision: Int64 = 0, providers: [ProviderRecord] = [], policy: PolicyRecord? = nil, teams: [TeamRecord] = [],
        credentials: [CredentialRecord] = [], apiKeys: [APIKeyRecord] = [], rules: [RuleRecord] = []
    ) {
        self.revision = revision
        self.providers = providers
        self.policy = policy
        self.teams = teams
        self.credentials = credentials
        self.apiKeys = apiKeys
        self.rules = rules
    }

    /// The number of resources held.
    public var resourceCount: Int {
        providers.count + (policy == nil ? 0 : 1) + teams.count + credentials.count + apiKeys.count + rules.count
    }

    /// The revision of every resource, by reference.
    public var revisions: [ResourceRef: Int64] {
        var map: [ResourceRef: Int64] = [:]
        map.reserveCapacity(resourceCount)
        for record in providers { map[.provider(record.metadata.name)] = record.status?.revision ?? 0 }
        if let policy { map[.policy] = policy.status?.revision ?? 0 }
        for record in teams { map[.team(record.metadata.name)] = record.status?.revision ?? 0 }
        for record in credentials {
            map[.credential(team: record.team, name: record.name)] = record.status?.revision ?? 0
        }
        for record in apiKeys { map[.apiKey(team: record.team, name: record.name)] = record.status?.revision ?? 0 }
        for record in rules { map[.rule(record.metadata.name)] = record.status?.revision ?? 0 }
        return map
    }
}
