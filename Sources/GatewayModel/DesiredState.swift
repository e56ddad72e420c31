/// Everything the manifests declare, as plain values. Collections are sorted by name so that two
/// loads of the same manifests compare equal whatever the file order.
public struct DesiredState: Sendable, Hashable, Codable {
    public var providers: [Provider]
    /// Nil when no manifest declares one; the gateway's defaults apply.
    public var policy: GatewayPolicy?
    public var teams: [Team]
    public var rules: [Rule]
    /// Trusted OIDC issuers and the identities and admin grants they map tokens to.
    public var issuers: [Issuer]
    /// Expectations about access; checked by gwctl, never sent to a gateway.
    public var accessTests: [AccessTest]

    public init(
        providers: [Provider] = [], policy: GatewayPolicy? = nil, teams: [Team] = [], rules: [Rule] = [],
        issuers: [Issuer] = [], accessTests: [AccessTest] = []
    ) {
        self.accessTests = accessTests.sorted { $0.name < $1.name }
        self.providers = providers.sorted { $0.name < $1.name }
        self.policy = policy
        self.teams = teams.sorted { $0.name < $1.name }
        self.rules = rules.sorted { $0.name < $1.name }
        self.issuers = issuers.sorted { $0.name < $1.name }
    }

    /// The number of API keys across all teams.
    public var keyCount: Int { teams.reduce(0) { $0 + $1.keys.count } }

    /// Rules in evaluation order: ascending priority, ties by name.
    public var rulesInEvaluationOrder: [Rule] {
        rules.sorted { ($0.priority, $0.name) < ($1.priority, $1.name) }
    }
}
