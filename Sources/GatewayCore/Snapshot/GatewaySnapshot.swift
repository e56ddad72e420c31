import GatewayModel

/// A model as one provider serves it.
public struct ModelOffer: Sendable, Hashable {
    public var provider: ProviderRecord
    public var model: ProviderModel
}

/// The gateway's configuration at one revision, indexed for admission: built once per revision,
/// read by every request without locks.
public struct GatewaySnapshot: Sendable {
    public let revision: Int64
    public let policy: PolicyRecord
    public let teams: [String: TeamRecord]
    public let providers: [String: ProviderRecord]
    /// Rules in evaluation order: ascending priority, ties by name.
    public let rules: [RuleRecord]
    /// Keys by the hash of their secret.
    let keysByHash: [String: APIKeyRecord]
    /// Keys by the hash of a secret a rotation replaced, with that secret's deadline.
    let previousByHash: [String: (key: APIKeyRecord, secret: PreviousSecret)]
    /// Keys by `team/name`.
    let keysByName: [String: APIKeyRecord]
    /// Each team's BYOK credentials, by provider name, sorted by credential name.
    let credentials: [String: [String: [CredentialRecord]]]
    /// Every BYOK credential for a provider, across teams: for explanations that name the likely intent.
    let credentialsByProvider: [String: [CredentialRecord]]
    /// Model id → the providers serving it, by provider name.
    let offers: [String: [ModelOffer]]
    /// Trusted issuers by name.
    public let issuers: [String: IssuerRecord]
    /// Issuers by the `iss` value their tokens carry, sorted by name.
    let issuersByURL: [String: [IssuerRecord]]

    /// - Parameter keysByName: whether keys can be found by `team/name` (explanations); the
    ///   audit passes each key itself and skips building that index of every key.
    public init(state: GatewayState, keyHashes: [APIKeyHash], keysByName indexKeysByName: Bool = true) {
        revision = state.revision
        policy = state.policy ?? PolicyRecord()
        teams = Dictionary(state.teams.map { ($0.metadata.name, $0) }, uniquingKeysWith: { first, _ in first })
        providers = Dictionary(
            state.providers.map { ($0.metadata.name, $0) }, uniquingKeysWith: { first, _ in first })
        rules = state.rules.sorted {
            ($0.priority, $0.metadata.name) < ($1.priority, $1.metadata.name)
        }
        var byName: [String: APIKeyRecord] = [:]
        if indexKeysByName || !keyHashes.isEmpty {
            byName.reserveCapacity(state.apiKeys.count)
            for key in state.apiKeys { byName[key.team + "/" + key.name] = key }
        }
        // Identities stand for keys of their teams (explain by name, rules naming them); a key of
        // the same name wins, though validation refuses that pairing.
        for key in state.identityKeys where byName[key.team + "/" + key.name] == nil {
            byName[key.team + "/" + key.name] = key
        }
        keysByName = byName
        var byHash: [String: APIKeyRecord] = [:]
        var previous: [String: (key: APIKeyRecord, secret: PreviousSecret)] = [:]
        byHash.reserveCapacity(keyHashes.count)
        for entry in keyHashes {
            guard let key = byName[entry.team + "/" + entry.name] else { continue }
            if let secret = entry.previous {
                previous[entry.hash] = (key, secret)
            } else {
                byHash[entry.hash] = key
            }
        }
        keysByHash = byHash
        previousByHash = previous
        var credentials: [String: [String: [CredentialRecord]]] = [:]
        var byProvider: [String: [CredentialRecord]] = [:]
        for credential in state.credentials.sorted(by: { ($0.team, $0.name) < ($1.team, $1.name) }) {
            credentials[credential.team, default: [:]][credential.provider, default: []].append(credential)
            byProvider[credential.provider, default: []].append(credential)
        }
        self.credentials = credentials
        credentialsByProvider = byProvider
        var offers: [String: [ModelOffer]] = [:]
        for provider in state.providers.sorted(by: { $0.metadata.name < $1.metadata.name }) {
            for model in provider.models {
                offers[model.id, default: []].append(ModelOffer(provider: provider, model: model))
            }
        }
        self.offers = offers
        issuers = Dictionary(state.issuers.map { ($0.metadata.name, $0) }, uniquingKeysWith: { first, _ in first })
        issuersByURL = Dictionary(
            grouping: state.issuers.sorted { $0.metadata.name < $1.metadata.name }, by: \.spec.url)
    }

    /// The issuers whose tokens carry `iss`, by name.
    public func issuers(url: String) -> [IssuerRecord] { issuersByURL[url] ?? [] }

    /// The issuers a token's claims address, by name: trusted for its `iss` and accepting one of
    /// its audiences; else the `invalid_token` refusal saying which of the two failed. The data
    /// plane's verifier and the identity mapping (explain by claims) ask the same question.
    public func issuers(addressedBy claims: TokenClaims) -> Result<[IssuerRecord], Refusal> {
        let trusting = issuers(url: claims.issuer)
        guard let first = trusting.first else {
            return .failure(
                Refusal(
                    code: .invalidToken, message: "no Issuer trusts tokens from '\(claims.issuer)'",
                    layer: .authentication,
                    hint: "declare an Issuer with url: \(claims.issuer), or use a gateway API key"))
        }
        let audiences = claims.values["aud"] ?? []
        let addressed = trusting.filter { issuer in issuer.spec.audiences.contains { audiences.contains($0) } }
        guard addressed.isEmpty else { return .success(addressed) }
        return .failure(
            Refusal(
                code: .invalidToken,
                message:
                    "the token's audience (\(audiences.isEmpty ? "none" : audiences.joined(separator: ", "))) is not one Issuer '\(first.metadata.name)' accepts",
                layer: .authentication,
                hint: "request the token for \(first.spec.audiences.joined(separator: " or "))"))
    }

    /// The key whose secret hashes to `hash`.
    public func key(hash: String) -> APIKeyRecord? { keysByHash[hash] }

    /// The key a rotation took the secret hashing to `hash` from, and that secret's deadline.
    public func previousKey(hash: String) -> (key: APIKeyRecord, secret: PreviousSecret)? { previousByHash[hash] }

    /// The key named `team/name`.
    public func key(named qualifiedName: String) -> APIKeyRecord? { keysByName[qualifiedName] }

    /// The providers serving `model`, by provider name.
    public func offers(of model: String) -> [ModelOffer] { offers[model] ?? [] }

    /// Every model id any provider serves, sorted.
    public var modelIDs: [String] { offers.keys.sorted() }

    /// A team's BYOK credentials for a provider.
    public func credentials(team: String, provider: String) -> [CredentialRecord] {
        credentials[team]?[provider] ?? []
    }

    /// BYOK credentials for a provider held by teams other than `team`.
    public func credentials(provider: String, notOf team: String) -> [CredentialRecord] {
        (credentialsByProvider[provider] ?? []).filter { $0.team != team }
    }

    /// The retention that applies to a team.
    public func retention(of team: TeamRecord) -> DataRetention {
        team.dataRetention ?? policy.dataRetention
    }
}
