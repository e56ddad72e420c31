/// Any one stored resource, for per-resource reads.
public enum StoredResource: Sendable, Hashable {
    case provider(ProviderRecord)
    case policy(PolicyRecord)
    case team(TeamRecord)
    case credential(CredentialRecord)
    case apiKey(APIKeyRecord)
    case rule(RuleRecord)
    case issuer(IssuerRecord)

    public var status: RecordStatus? {
        switch self {
        case .provider(let record): return record.status
        case .policy(let record): return record.status
        case .team(let record): return record.status
        case .credential(let record): return record.status
        case .apiKey(let record): return record.status
        case .rule(let record): return record.status
        case .issuer(let record): return record.status
        }
    }
}

extension StoredResource {
    /// The kind of resource this is.
    public var kind: ResourceKind {
        switch self {
        case .provider: return .provider
        case .policy: return .policy
        case .team: return .team
        case .credential: return .credential
        case .apiKey: return .apiKey
        case .rule: return .rule
        case .issuer: return .issuer
        }
    }

    /// The record when this is a provider.
    public var provider: ProviderRecord? {
        if case .provider(let record) = self { record } else { nil }
    }

    /// The record when this is the policy.
    public var policy: PolicyRecord? {
        if case .policy(let record) = self { record } else { nil }
    }

    /// The record when this is a team.
    public var team: TeamRecord? {
        if case .team(let record) = self { record } else { nil }
    }

    /// The record when this is a credential.
    public var credential: CredentialRecord? {
        if case .credential(let record) = self { record } else { nil }
    }

    /// The record when this is an API key.
    public var apiKey: APIKeyRecord? {
        if case .apiKey(let record) = self { record } else { nil }
    }

    /// The record when this is a rule.
    public var rule: RuleRecord? {
        if case .rule(let record) = self { record } else { nil }
    }

    /// The record when this is an issuer.
    public var issuer: IssuerRecord? {
        if case .issuer(let record) = self { record } else { nil }
    }
}
