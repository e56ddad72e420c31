import GatewayCore
import GatewayModel

/// The configuration indexed the way the audit asks about it: by team, by provider, by model.
struct PolicyIndex: Sendable {
    let state: GatewayState
    let snapshot: GatewaySnapshot
    /// Every model id any provider serves, sorted.
    let servedModels: [String]
    /// Teams in name order.
    let teams: [TeamRecord]
    let keysByTeam: [String: [APIKeyRecord]]
    let credentialsByTeam: [String: [CredentialRecord]]
    /// The issuer of each workload identity, by `team/name`: identities are audited as keys.
    let identityIssuers: [String: String]

    init(state: GatewayState) {
        self.state = state
        snapshot = GatewaySnapshot(state: state, keyHashes: [], keysByName: false)
        servedModels = snapshot.modelIDs
        teams = state.teams.sorted { $0.metadata.name < $1.metadata.name }
        var keys: [String: [APIKeyRecord]] = [:]
        for key in state.apiKeys { keys[key.team, default: []].append(key) }
        var issuers: [String: String] = [:]
        for issuer in state.issuers {
            for identity in issuer.spec.identities where issuers[identity.qualifiedName] == nil {
                issuers[identity.qualifiedName] = issuer.metadata.name
                keys[identity.team, default: []].append(identity.asKey)
            }
        }
        identityIssuers = issuers
        keysByTeam = keys.mapValues { $0.sorted { $0.name < $1.name } }
        var credentials: [String: [CredentialRecord]] = [:]
        for credential in state.credentials { credentials[credential.team, default: []].append(credential) }
        credentialsByTeam = credentials.mapValues { $0.sorted { $0.name < $1.name } }
    }

    var policy: PolicyRecord { snapshot.policy }
    /// The models served by at least one of `providers` (all served models when nil).
    func models(servedBy providers: [String]?) -> [String] {
        guard let providers else { return servedModels }
        return servedModels.filter { model in
            snapshot.offers(of: model).contains { providers.contains($0.provider.metadata.name) }
        }
    }

    /// The models a team may ask for: served by a provider it allows, matching its model globs.
    func modelsAllowed(for team: TeamRecord) -> [String] {
        let served = models(servedBy: team.providers)
        guard let globs = team.models?.map(ModelGlob.init) else { return served }
        return served.filter { model in globs.contains { $0.matches(model) } }
    }

    /// The providers a team may use, by name, in name order.
    func providersAllowed(for team: TeamRecord) -> [ProviderRecord] {
        let all = snapshot.providers.values.sorted { $0.metadata.name < $1.metadata.name }
        guard let names = team.providers else { return all }
        return all.filter { names.contains($0.metadata.name) }
    }

    /// Served models a set of globs matches (all of them when `globs` is nil).
    func served(matching globs: [String]?) -> Set<String> {
        guard let globs else { return Set(servedModels) }
        let compiled = globs.map(ModelGlob.init)
        return Set(servedModels.filter { model in compiled.contains { $0.matches(model) } })
    }
}
