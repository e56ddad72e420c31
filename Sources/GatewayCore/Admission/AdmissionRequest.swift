import GatewayModel

/// What a request asks of admission: who calls, for which model, through which endpoint.
public struct AdmissionRequest: Sendable {
    /// How the caller is identified.
    public enum Caller: Sendable {
        /// The API key presented with a data-plane request.
        case secret(String)
        /// A key by `team/name`, for explanations asked by an admin.
        case named(String)
        /// A workload's OIDC token, already verified (signature, issuer, audience, times) by the
        /// data plane, or a claims set an admin asks about: mapped to an identity by its claims.
        case identity(TokenClaims)
    }

    /// The data-plane endpoint, which limits the providers that can serve.
    public enum Endpoint: String, Sendable, Hashable {
        case chat
        case embeddings
    }

    public var caller: Caller
    public var model: String
    public var endpoint: Endpoint
    /// Whether the request carries its own provider credential (per-request BYOK).
    public var carriesCredential: Bool
    public var now: Timestamp

    public init(
        caller: Caller, model: String, endpoint: Endpoint = .chat, carriesCredential: Bool = false,
        now: Timestamp = .now
    ) {
        self.caller = caller
        self.model = model
        self.endpoint = endpoint
        self.carriesCredential = carriesCredential
        self.now = now
    }
}

/// The admission of one request so far: the trace, and either the route or the refusal.
public struct Admission: Sendable {
    public private(set) var requestedModel: String
    /// The model after rewrites.
    public internal(set) var model: String
    public internal(set) var team: TeamRecord?
    public internal(set) var key: APIKeyRecord?
    public internal(set) var steps: [DecisionStep] = []
    public internal(set) var refusal: Refusal?
    /// The upstreams to try, in order; empty when refused.
    public internal(set) var route: [RouteCandidate] = []

    init(requestedModel: String) {
        self.requestedModel = requestedModel
        self.model = requestedModel
    }

    /// `identified` (steps 1 and 2, decided before the model was known) for a request for `model`.
    init(_ identified: Admission, requestedModel: String) {
        self = identified
        self.requestedModel = requestedModel
        self.model = requestedModel
    }

    public var isAdmitted: Bool { refusal == nil }

    /// `team/key`, once the key is known.
    public var keyName: String? { key.map { $0.team + "/" + $0.name } }

    mutating func pass(_ layer: AdmissionLayer, _ detail: String, rule: String? = nil) {
        steps.append(DecisionStep(layer: layer, outcome: .pass, detail: detail, rule: rule))
    }

    mutating func note(_ layer: AdmissionLayer, _ detail: String, rule: String? = nil) {
        steps.append(DecisionStep(layer: layer, outcome: .note, detail: detail, rule: rule))
    }

    mutating func refuse(_ refusal: Refusal) {
        steps.append(DecisionStep(layer: refusal.layer, outcome: .refuse, detail: refusal.message, rule: refusal.rule))
        self.refusal = refusal
        route = []
    }

    /// The trace as `gwctl explain` and `POST /admin/v1/explain` show it.
    public var explanation: Explanation {
        Explanation(
            requestedModel: requestedModel, model: model, team: team?.metadata.name, key: keyName,
            admitted: isAdmitted, refusal: refusal, steps: steps, route: route)
    }
}
