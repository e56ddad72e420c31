import GatewayModel

/// The reach of some keys of one state, as the audit computes it, with what the spend exposure
/// needs to know about them.
struct ReachTable {
    private let teams: [String: TeamRecord]
    private var reach: KeyReach

    /// Only `keys` are indexed: the rest of the state's keys are never asked about.
    init(state: GatewayState, keys: [APIKeyRecord]) {
        var scoped = state
        scoped.apiKeys = keys
        let index = PolicyIndex(state: scoped)
        teams = index.snapshot.teams
        reach = KeyReach(index: index)
    }

    /// What the key reaches, whether or not it is expired or its team suspended; nothing when its team does not exist.
    mutating func reach(of key: APIKeyRecord) -> [ProviderReach] {
        guard let team = teams[key.team] else { return [] }
        return reach.reach(of: key, team: team)
    }

    /// Whether the key can spend system credits with no budget on itself or its team.
    func spendsCreditsUnbudgeted(_ key: APIKeyRecord, reach: [ProviderReach]) -> Bool {
        guard key.budget == nil, let team = teams[key.team], team.budget == nil, team.suspension == nil else {
            return false
        }
        return reach.contains(where: \.paidFromCredits)
    }
}
