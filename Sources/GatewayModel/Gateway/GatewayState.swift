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
    public var issuers: [IssuerRecord]

    public init(
        revision: Int64 = 0, providers: [ProviderRecord] = [], policy: PolicyRecord? = nil, teams: [TeamRecord] = [],
        credentials: [CredentialRecord] = [], apiKeys: [APIKeyRecord] = [], rules: [RuleRecord] = [],
        issuers: [IssuerRecord] = []
    ) {
        self.revision = revision
        self.providers = providers
        self.policy = policy
        self.teams = teams
        self.credentials = credentials
        self.apiKeys = apiKeys
        self.rules = rules
        self.issuers = issuers
    }

    /// The number of resources held.
    public var resourceCount: Int {
        providers.count + (policy == nil ? 0 : 1) + teams.count + credentials.count + apiKeys.count + rules.count
            + issuers.count
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
        for record in issuers { map[.issuer(record.metadata.name)] = record.status?.revision ?? 0 }
        return map
    }
}

extension GatewayState {
    /// Every workload identity the issuers map to, as the keys they stand for, in issuer order.
    public var identityKeys: [APIKeyRecord] {
        issuers.flatMap { $0.spec.identities.map(\.asKey) }
    }

    private enum CodingKeys: String, CodingKey {
        case revision, providers, policy, teams, credentials, apiKeys, rules, issuers
    }

    /// Decodes states written before issuers existed (no `issuers` field) as having none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            revision: try container.decode(Int64.self, forKey: .revision),
            providers: try container.decode([ProviderRecord].self, forKey: .providers),
            policy: try container.decodeIfPresent(PolicyRecord.self, forKey: .policy),
            teams: try container.decode([TeamRecord].self, forKey: .teams),
            credentials: try container.decode([CredentialRecord].self, forKey: .credentials),
            apiKeys: try container.decode([APIKeyRecord].self, forKey: .apiKeys),
            rules: try container.decode([RuleRecord].self, forKey: .rules),
            issuers: try container.decodeIfPresent([IssuerRecord].self, forKey: .issuers) ?? [])
    }
}
