import GatewayCore
import GatewayModel

/// What each key can reach, computed by the data plane's own admission policy (steps 3–5) for
/// every served model, so that the audit and the gateway cannot disagree.
///
/// Keys of one team with the same model allowlist reach the same things unless a rule names one
/// of them, so results are shared between them: the cost grows with teams, not keys.
struct KeyReach {
    let index: PolicyIndex
    private let policy: AdmissionPolicy
    /// Keys that some rule names in `match.keys`, as `team/name`.
    private let keysNamedByRules: Set<String>
    /// The team whose keys `teamCache` holds: callers go team by team.
    private var cachedTeam: String?
    /// Reach by the key's model allowlist, for keys of `cachedTeam` that no rule names.
    private var teamCache: [[String]?: [ProviderReach]] = [:]

    init(index: PolicyIndex) {
        self.index = index
        policy = AdmissionPolicy(snapshot: index.snapshot)
        keysNamedByRules = Set(index.snapshot.rules.flatMap { $0.match.keys ?? [] })
    }

    mutating func reach(of key: APIKeyRecord, team: TeamRecord) -> [ProviderReach] {
        if !keysNamedByRules.isEmpty, keysNamedByRules.contains(key.team + "/" + key.name) {
            return computeReach(of: key, team: team)
        }
        if cachedTeam != key.team {
            cachedTeam = key.team
            teamCache.removeAll(keepingCapacity: true)
        }
        if let known = teamCache[key.models] { return known }
        let result = computeReach(of: key, team: team)
        teamCache[key.models] = result
        return result
    }

    private func computeReach(of key: APIKeyRecord, team: TeamRecord) -> [ProviderReach] {
        var byProvider: [String: ProviderReach] = [:]
        for model in index.servedModels {
            let admission = policy.evaluate(key: key, team: team, model: model, endpoint: .chat)
            for candidate in admission.route {
                var entry =
                    byProvider[candidate.provider]
                    ?? ProviderReach(
                        provider: candidate.provider, models: [], credentialKind: candidate.credentialKind,
                        credentialName: candidate.credentialName)
                if !entry.models.contains(candidate.model) { entry.models.append(candidate.model) }
                byProvider[candidate.provider] = entry
            }
        }
        return byProvider.values.map { entry in
            var sorted = entry
            sorted.models.sort()
            return sorted
        }.sorted { $0.provider < $1.provider }
    }
}
