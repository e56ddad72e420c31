/// The wire form stays flat, as the admin API's schema has it: the payload is the one member
/// named after its kind (`"team": {…}`). An operation with two such members is not a change to
/// one resource, so it does not decode.
extension ChangeOperation: Codable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case op, target, ifRevision, provider, policy, team, credential, apiKey, rule, issuer, secret, clearSecret
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        op = try container.decode(Kind.self, forKey: .op)
        target = try container.decode(ResourceRef.self, forKey: .target)
        ifRevision = try container.decodeIfPresent(Int64.self, forKey: .ifRevision)
        secret = try container.decodeIfPresent(String.self, forKey: .secret)
        clearSecret = try container.decodeIfPresent(Bool.self, forKey: .clearSecret)
        var payloads: [StoredResource] = []
        if let record = try container.decodeIfPresent(ProviderRecord.self, forKey: .provider) {
            payloads.append(.provider(record))
        }
        if let record = try container.decodeIfPresent(PolicyRecord.self, forKey: .policy) {
            payloads.append(.policy(record))
        }
        if let record = try container.decodeIfPresent(TeamRecord.self, forKey: .team) { payloads.append(.team(record)) }
        if let record = try container.decodeIfPresent(CredentialRecord.self, forKey: .credential) {
            payloads.append(.credential(record))
        }
        if let record = try container.decodeIfPresent(APIKeyRecord.self, forKey: .apiKey) {
            payloads.append(.apiKey(record))
        }
        if let record = try container.decodeIfPresent(RuleRecord.self, forKey: .rule) { payloads.append(.rule(record)) }
        if let record = try container.decodeIfPresent(IssuerRecord.self, forKey: .issuer) {
            payloads.append(.issuer(record))
        }
        guard payloads.count <= 1 else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: container.codingPath,
                    debugDescription: "an operation carries the settings of one resource, not "
                        + payloads.map(\.kind.rawValue).joined(separator: " and ")))
        }
        payload = payloads.first
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(op, forKey: .op)
        try container.encode(target, forKey: .target)
        try container.encodeIfPresent(ifRevision, forKey: .ifRevision)
        switch payload {
        case .provider(let record): try container.encode(record, forKey: .provider)
        case .policy(let record): try container.encode(record, forKey: .policy)
        case .team(let record): try container.encode(record, forKey: .team)
        case .credential(let record): try container.encode(record, forKey: .credential)
        case .apiKey(let record): try container.encode(record, forKey: .apiKey)
        case .rule(let record): try container.encode(record, forKey: .rule)
        case .issuer(let record): try container.encode(record, forKey: .issuer)
        case nil: break
        }
        try container.encodeIfPresent(secret, forKey: .secret)
        try container.encodeIfPresent(clearSecret, forKey: .clearSecret)
    }
}
