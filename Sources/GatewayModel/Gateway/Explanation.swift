/// The layers of admission, in the order gatewayd runs them (docs/data-plane.md, "Admission, in order").
public enum AdmissionLayer: String, Sendable, Hashable, Codable, CaseIterable {
    case authentication
    case team
    case rules
    case allowlist
    case credential
    case credits
    case rateLimit = "rate-limit"
    case upstream
    case request
    /// Carrying the request to the provider's wire format (a part it has no place for).
    case translation
}

/// Every reason gatewayd refuses a data-plane request, with its HTTP status. The raw values are
/// the stable `code` clients and runbooks match on.
public enum RefusalCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The codes the configuration alone decides (steps 1–5 of admission), which access tests can expect.
    public static let policyCodes: [RefusalCode] = [
        .keyExpired, .teamSuspended, .modelDenied, .modelNotAllowed, .providerNotAllowed, .zdrUnsatisfiable,
        .modelNotFound, .noCredential, .byokRequiresPaidTier,
    ]

    case invalidAPIKey = "invalid_api_key"
    case keyExpired = "key_expired"
    /// A secret a rotation replaced, after its overlap ended: the key exists, the secret is old.
    case keyRotated = "key_rotated"
    /// A bearer JWT that did not verify (signature, issuer, audience, times) or matched no identity mapping.
    case invalidToken = "invalid_token"
    /// A token's issuer has no signing keys cached and its JWKS cannot be fetched: worth a retry.
    case issuerUnavailable = "issuer_unavailable"
    case teamSuspended = "team_suspended"
    case modelDenied = "model_denied"
    case modelNotAllowed = "model_not_allowed"
    case providerNotAllowed = "provider_not_allowed"
    case zdrUnsatisfiable = "zdr_unsatisfiable"
    case modelNotFound = "model_not_found"
    case noCredential = "no_credential"
    case byokRequiresPaidTier = "byok_requires_paid_tier"
    case perRequestBYOKDisabled = "per_request_byok_disabled"
    case insufficientCredits = "insufficient_credits"
    case budgetExceeded = "budget_exceeded"
    case rateLimited = "rate_limited"
    case upstreamError = "upstream_error"
    case upstreamRejected = "upstream_rejected"
    case upstreamTimeout = "upstream_timeout"
    case invalidRequest = "invalid_request"
    /// A part or parameter of the request that the chosen provider's format cannot carry: refused
    /// before any provider call rather than dropped.
    case unsupportedContent = "unsupported_content"
    /// gatewayd could not read its own state (configuration, keys, credits): its failure, not the
    /// caller's, and worth a retry.
    case stateUnavailable = "state_unavailable"
    /// A body past the size limit: refused by its `Content-Length` before reading, or while reading.
    case bodyTooLarge = "body_too_large"
    /// A body that is not `application/json`.
    case unsupportedMediaType = "unsupported_media_type"
    /// The request bodies in flight already hold gatewayd's budget: worth a retry.
    case overloaded

    /// The HTTP status this refusal is answered with.
    public var status: Int {
        switch self {
        case .invalidAPIKey, .keyExpired, .keyRotated, .invalidToken: return 401
        case .insufficientCredits, .budgetExceeded: return 402
        case .modelNotFound: return 404
        case .rateLimited: return 429
        case .upstreamError: return 502
        case .upstreamTimeout: return 504
        case .stateUnavailable, .issuerUnavailable, .overloaded: return 503
        case .bodyTooLarge: return 413
        case .unsupportedMediaType: return 415
        case .invalidRequest, .upstreamRejected, .unsupportedContent: return 400
        default: return 403
        }
    }
}

/// Why a request was refused: what a caller sees in the error body and `gwctl explain` prints.
public struct Refusal: Sendable, Hashable, Codable, Error {
    public var code: RefusalCode
    public var message: String
    public var layer: AdmissionLayer
    /// The rule that refused, for `model_denied`.
    public var rule: String?
    /// What to do about it.
    public var hint: String?
    /// Seconds until a retry can succeed, for `rate_limited`.
    public var retryAfterSeconds: Int?

    public init(
        code: RefusalCode, message: String, layer: AdmissionLayer, rule: String? = nil, hint: String? = nil,
        retryAfterSeconds: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.layer = layer
        self.rule = rule
        self.hint = hint
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var status: Int { code.status }
}

/// One decision of the admission pipeline, as the trace records it.
public struct DecisionStep: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The layer let the request through.
        case pass
        /// The layer refused the request; the trace ends here.
        case refuse
        /// The layer changed or narrowed the request (a rewrite, a route, a skipped candidate).
        case note
    }

    public var layer: AdmissionLayer
    public var outcome: Outcome
    public var detail: String
    public var rule: String?

    public init(layer: AdmissionLayer, outcome: Outcome, detail: String, rule: String? = nil) {
        self.layer = layer
        self.outcome = outcome
        self.detail = detail
        self.rule = rule
    }
}

/// One upstream the gateway would try, in order, and how it would pay.
public struct RouteCandidate: Sendable, Hashable, Codable {
    public var provider: String
    /// The canonical model id.
    public var model: String
    /// The provider's name for the model.
    public var upstreamModel: String
    public var credentialKind: UsageRecord.CredentialKind
    /// The team credential, for `team-byok`.
    public var credentialName: String?

    public init(
        provider: String, model: String, upstreamModel: String, credentialKind: UsageRecord.CredentialKind,
        credentialName: String? = nil
    ) {
        self.provider = provider
        self.model = model
        self.upstreamModel = upstreamModel
        self.credentialKind = credentialKind
        self.credentialName = credentialName
    }

    /// Whether this candidate's spend is paid from the team's credits.
    public var paidFromCredits: Bool { credentialKind == .system }
}

/// What `POST /admin/v1/explain` is asked: would this key's request for this model be served?
public struct ExplainRequest: Sendable, Hashable, Codable {
    /// The key (or workload identity) as `team/name`; exactly one of `key` and `claims`.
    public var key: String?
    /// A token's claims (JSON text of its payload): the caller is whichever identity the issuers
    /// map them to, as if the token had verified.
    public var claims: String?
    public var model: String
    /// Pretend the request carries its own provider credential (per-request BYOK).
    public var perRequestCredential: Bool?
    /// The data-plane endpoint asked about; default chat.
    public var endpoint: Endpoint?
    /// A request body (JSON text) to check against each provider of the route: whether its format
    /// can carry every part, as the data plane would decide before calling it.
    public var body: String?
    /// The API `body` is written for; default chat.
    public var api: API?

    public enum Endpoint: String, Sendable, Hashable, Codable, CaseIterable {
        case chat
        case embeddings
    }

    /// The data-plane API a body is written for.
    public enum API: String, Sendable, Hashable, Codable, CaseIterable {
        /// `POST /v1/chat/completions`.
        case chat
        /// `POST /v1/messages`.
        case messages
        /// `POST /v1/responses`.
        case responses
    }

    public init(
        key: String?, model: String, perRequestCredential: Bool? = nil, endpoint: Endpoint? = nil,
        body: String? = nil, api: API? = nil, claims: String? = nil
    ) {
        self.key = key
        self.claims = claims
        self.model = model
        self.perRequestCredential = perRequestCredential
        self.endpoint = endpoint
        self.body = body
        self.api = api
    }
}

/// The admission trace of a request, computed without calling a provider.
public struct Explanation: Sendable, Hashable, Codable {
    public var requestedModel: String
    /// The model after rewrite rules.
    public var model: String
    public var team: String?
    public var key: String?
    public var admitted: Bool
    public var refusal: Refusal?
    public var steps: [DecisionStep]
    /// The upstreams that would be tried, in order.
    public var route: [RouteCandidate]

    public init(
        requestedModel: String, model: String, team: String?, key: String?, admitted: Bool, refusal: Refusal?,
        steps: [DecisionStep], route: [RouteCandidate]
    ) {
        self.requestedModel = requestedModel
        self.model = model
        self.team = team
        self.key = key
        self.admitted = admitted
        self.refusal = refusal
        self.steps = steps
        self.route = route
    }
}

/// What the data plane needs to know about money: balances and spend paid from credits.
public protocol SpendLedger: Sendable {
    /// A team's credit balance in micro-USD (0 when it never had credits).
    func balance(team: String) async throws -> Int64
    /// System-credential spend of a team (or one of its keys) since `since`, in micro-USD.
    func spend(team: String, key: String?, since: Timestamp) async throws -> Int64
}

/// Where the data plane gets plaintext provider secrets: system credentials and team BYOK
/// credentials, decrypted on demand and never written anywhere.
public protocol SecretVault: Sendable {
    /// The plaintext secret of a provider or credential; nil when it has none.
    func secret(of ref: ResourceRef) async throws -> String?
}

/// An API key's stored hash and identity: what authentication looks presented keys up by.
public struct APIKeyHash: Sendable, Hashable {
    /// SHA-256 of the secret, lowercase hex.
    public var hash: String
    public var team: String
    public var name: String
    /// Set when the hash is of a secret a rotation replaced, not the key's current one.
    public var previous: PreviousSecret?

    public init(hash: String, team: String, name: String, previous: PreviousSecret? = nil) {
        self.hash = hash
        self.team = team
        self.name = name
        self.previous = previous
    }
}
