/// One served request, as the gateway accounts for it. Counts only: no prompt or completion text.
public struct UsageRecord: Sendable, Hashable, Codable {
    /// How the upstream call was paid for.
    public enum CredentialKind: String, Sendable, Hashable, Codable {
        /// A key passed with the request.
        case requestBYOK = "request-byok"
        /// The team's own credential; never debits credits.
        case teamBYOK = "team-byok"
        /// The provider's system credential; paid from the team's credits.
        case system
    }

    public var requestID: String
    public var team: String
    public var key: String
    /// The canonical model served: the one asked for, after the policy's rewrites.
    public var model: String
    /// The model the client asked for, before rewrites; what a replay decides again. Nil in
    /// records written before gatewayd kept it (a replay then takes `model`).
    public var requestedModel: String?
    /// The data-plane endpoint called; nil in records written before gatewayd kept it (chat).
    public var endpoint: ExplainRequest.Endpoint?
    public var provider: String
    public var credentialKind: CredentialKind
    /// The team credential used, for `teamBYOK`.
    public var credentialName: String?
    public var inputTokens: Int
    public var outputTokens: Int
    public var costMicroUSD: Int64
    public var at: Timestamp

    public init(
        requestID: String, team: String, key: String, model: String, provider: String,
        credentialKind: CredentialKind, credentialName: String? = nil, inputTokens: Int, outputTokens: Int,
        costMicroUSD: Int64, at: Timestamp = .now, requestedModel: String? = nil,
        endpoint: ExplainRequest.Endpoint? = nil
    ) {
        self.requestedModel = requestedModel
        self.endpoint = endpoint
        self.requestID = requestID
        self.team = team
        self.key = key
        self.model = model
        self.provider = provider
        self.credentialKind = credentialKind
        self.credentialName = credentialName
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costMicroUSD = costMicroUSD
        self.at = at
    }
}
