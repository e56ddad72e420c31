/// Served requests that a replay decides alike: the same key asking for the same model on the
/// same endpoint, served by the same provider through the same credential. The store groups
/// usage records into these, so a replay of a million requests decides a few thousand
/// admissions, and never sees anything a request said.
public struct TrafficGroup: Sendable, Hashable, Codable {
    public var team: String
    /// The key's name within its team.
    public var key: String
    /// The model the client asked for, before rewrites.
    public var requestedModel: String
    public var endpoint: ExplainRequest.Endpoint
    /// The provider that served, and how it was paid.
    public var provider: String
    public var credentialKind: UsageRecord.CredentialKind
    /// The team credential, for `team-byok`.
    public var credentialName: String?
    public var requests: Int
    public var inputTokens: Int
    public var outputTokens: Int
    /// What the requests cost at the prices of the day.
    public var costMicroUSD: Int64

    public init(
        team: String, key: String, requestedModel: String, endpoint: ExplainRequest.Endpoint = .chat,
        provider: String, credentialKind: UsageRecord.CredentialKind, credentialName: String? = nil,
        requests: Int, inputTokens: Int, outputTokens: Int, costMicroUSD: Int64
    ) {
        self.team = team
        self.key = key
        self.requestedModel = requestedModel
        self.endpoint = endpoint
        self.provider = provider
        self.credentialKind = credentialKind
        self.credentialName = credentialName
        self.requests = requests
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costMicroUSD = costMicroUSD
    }

    /// The groups of `records`, in first-seen order: how a store without grouping queries, and
    /// tests, make them.
    public static func grouping(_ records: [UsageRecord]) -> [TrafficGroup] {
        struct Identity: Hashable {
            var team, key, model: String
            var endpoint: ExplainRequest.Endpoint
            var provider: String
            var kind: UsageRecord.CredentialKind
            var credential: String?
        }
        var index: [Identity: Int] = [:]
        var groups: [TrafficGroup] = []
        for record in records {
            let identity = Identity(
                team: record.team, key: record.key, model: record.requestedModel ?? record.model,
                endpoint: record.endpoint ?? .chat, provider: record.provider, kind: record.credentialKind,
                credential: record.credentialName)
            if let at = index[identity] {
                groups[at].requests += 1
                groups[at].inputTokens += record.inputTokens
                groups[at].outputTokens += record.outputTokens
                groups[at].costMicroUSD += record.costMicroUSD
            } else {
                index[identity] = groups.count
                groups.append(
                    TrafficGroup(
                        team: identity.team, key: identity.key, requestedModel: identity.model,
                        endpoint: identity.endpoint, provider: identity.provider, credentialKind: identity.kind,
                        credentialName: identity.credential, requests: 1, inputTokens: record.inputTokens,
                        outputTokens: record.outputTokens, costMicroUSD: record.costMicroUSD))
            }
        }
        return groups
    }

    /// Groups of one identity added together, sorted by team, key, model, endpoint, provider and
    /// credential: the order every store answers in.
    public static func merged(_ groups: [TrafficGroup]) -> [TrafficGroup] {
        func precedes(_ a: TrafficGroup, _ b: TrafficGroup) -> Bool {
            if (a.team, a.key, a.requestedModel) != (b.team, b.key, b.requestedModel) {
                return (a.team, a.key, a.requestedModel) < (b.team, b.key, b.requestedModel)
            }
            return (a.endpoint.rawValue, a.provider, a.credentialKind.rawValue, a.credentialName ?? "")
                < (b.endpoint.rawValue, b.provider, b.credentialKind.rawValue, b.credentialName ?? "")
        }
        var merged: [TrafficGroup] = []
        merged.reserveCapacity(groups.count)
        for group in groups.sorted(by: precedes) {
            if let last = merged.last, !precedes(last, group) {
                merged[merged.count - 1].requests += group.requests
                merged[merged.count - 1].inputTokens += group.inputTokens
                merged[merged.count - 1].outputTokens += group.outputTokens
                merged[merged.count - 1].costMicroUSD += group.costMicroUSD
            } else {
                merged.append(group)
            }
        }
        return merged
    }
}
