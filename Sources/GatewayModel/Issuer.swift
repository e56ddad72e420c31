/// What an admin caller may do, whether it authenticates with a token or through an issuer's mapping.
public enum AdminRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Reads: state, resources, credits, audit log, plans and explanations.
    case reader
    /// Reads and changes.
    case writer
}

/// A JWT signature algorithm an issuer may use. Only asymmetric ones: a gateway that accepted
/// HMAC would take a published public key as the shared secret.
public enum TokenAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    case rs256 = "RS256"
    case es256 = "ES256"
    case edDSA = "EdDSA"
}

/// Claim conditions: every named claim must match its glob (`*`, `?`); a list-valued claim
/// matches when one of its items does. Values are compared as text.
public typealias ClaimConditions = [String: String]

/// A workload that authenticates with its platform's OIDC token instead of an API key, mapped
/// to a team by its claims. It behaves like a key of that team (`team/name`) in every layer.
public struct WorkloadIdentity: Sendable, Hashable, Codable {
    /// Unique within the team, across its keys and its identities.
    public var name: String
    public var team: String
    public var claims: ClaimConditions
    public var description: String?
    /// Narrows the team's model allowlist, as a key's `models` does.
    public var models: [String]?
    public var budget: Budget?
    public var rateLimit: RateLimit?

    public init(
        name: String, team: String, claims: ClaimConditions, description: String? = nil, models: [String]? = nil,
        budget: Budget? = nil, rateLimit: RateLimit? = nil
    ) {
        self.name = name
        self.team = team
        self.claims = claims
        self.description = description
        self.models = models
        self.budget = budget
        self.rateLimit = rateLimit
    }

    /// `team/name`, as rules and explanations name keys.
    public var qualifiedName: String { team + "/" + name }

    /// The identity as the key it stands for in admission, audits and usage.
    public var asKey: APIKeyRecord {
        APIKeyRecord(
            team: team, name: name, description: description, models: models, budget: budget, rateLimit: rateLimit)
    }
}

/// Admin access granted to tokens whose claims match, for pipelines that run `gwctl plan/apply`
/// without a stored admin token.
public struct AdminGrant: Sendable, Hashable, Codable {
    /// Names the grant in the audit log.
    public var name: String
    public var role: AdminRole
    public var claims: ClaimConditions

    public init(name: String, role: AdminRole, claims: ClaimConditions) {
        self.name = name
        self.role = role
        self.claims = claims
    }
}

/// A trusted OIDC issuer: the tokens it signs for the given audiences authenticate workloads
/// (data plane) and pipelines (admin API), by the first mapping whose claims match.
public struct IssuerSpec: Sendable, Hashable, Codable {
    /// The `iss` claim tokens carry, e.g. `https://token.actions.githubusercontent.com`.
    public var url: String
    /// Accepted `aud` values; a token must name at least one.
    public var audiences: [String]
    /// Where gatewayd fetches the signing keys (a JWKS document), refreshed in the background.
    public var jwksURL: String?
    /// A JWKS document on the gatewayd host, for air-gapped set-ups; re-read on refresh.
    public var jwksFile: String?
    public var algorithms: [TokenAlgorithm]
    /// Data-plane identities, first match wins.
    public var identities: [WorkloadIdentity]
    /// Admin grants, first match wins.
    public var admin: [AdminGrant]

    public init(
        url: String, audiences: [String], jwksURL: String? = nil, jwksFile: String? = nil,
        algorithms: [TokenAlgorithm] = TokenAlgorithm.allCases, identities: [WorkloadIdentity] = [],
        admin: [AdminGrant] = []
    ) {
        self.url = url
        self.audiences = audiences
        self.jwksURL = jwksURL
        self.jwksFile = jwksFile
        self.algorithms = algorithms
        self.identities = identities
        self.admin = admin
    }
}

/// An `Issuer` manifest resource.
public struct Issuer: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var spec: IssuerSpec

    public init(metadata: ResourceMetadata, spec: IssuerSpec) {
        self.metadata = metadata
        self.spec = spec
    }

    public var name: String { metadata.name }
}

/// An issuer as the gateway stores it.
public struct IssuerRecord: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var spec: IssuerSpec
    public var status: RecordStatus?

    public init(metadata: ResourceMetadata, spec: IssuerSpec, status: RecordStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

extension ClaimConditions {
    /// Whether every condition holds for `claims` (the token's payload, values as JSON-ish text).
    public func hold(for claims: TokenClaims) -> Bool {
        allSatisfy { name, pattern in
            let glob = ModelGlob(pattern)
            return (claims.values[name] ?? []).contains { glob.matches($0) }
        }
    }
}

/// The claims of a verified token (or of a claims file given to explain), flattened for matching:
/// each claim's text values (a list claim has several; numbers and booleans as written).
public struct TokenClaims: Sendable, Hashable {
    public var issuer: String
    public var subject: String?
    public var values: [String: [String]]

    public init(issuer: String, subject: String? = nil, values: [String: [String]]) {
        self.issuer = issuer
        self.subject = subject
        self.values = values
    }

    /// The claims a set of conditions looked at, with the token's values, for refusals:
    /// `repository=acme/web, environment=(absent)`. Never the token itself.
    public func described(for names: some Sequence<String>) -> String {
        Set(names).sorted().map { name in
            let shown = values[name].map { $0.joined(separator: "|") } ?? "(absent)"
            return "\(name)=\(shown)"
        }.joined(separator: ", ")
    }
}
