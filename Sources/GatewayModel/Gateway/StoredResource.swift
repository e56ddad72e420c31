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
