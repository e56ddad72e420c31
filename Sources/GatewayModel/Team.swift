/// A tenant of the gateway. Keys and BYOK credentials nest in their team, so a key cannot be
/// scoped to another team by accident.
public struct Team: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var displayName: String?
    public var tier: Tier
    /// When set, every key of the team is refused with `team_suspended` and this reason.
    public var suspension: Suspension?
    /// Nil inherits the gateway policy's retention.
    public var dataRetention: DataRetention?
    /// Provider allowlist by provider name; nil allows every provider.
    public var providers: [String]?
    /// Model allowlist as globs over canonical ids; nil allows every model.
    public var models: [String]?
    public var budget: Budget?
    public var rateLimit: RateLimit?
    public var byok: [BYOKCredential]
    public var keys: [APIKeySpec]

    public init(
        metadata: ResourceMetadata, displayName: String? = nil, tier: Tier = .free, suspension: Suspension? = nil,
        dataRetention: DataRetention? = nil, providers: [String]? = nil, models: [String]? = nil,
        budget: Budget? = nil, rateLimit: RateLimit? = nil, byok: [BYOKCredential] = [], keys: [APIKeySpec] = []
    ) {
        self.metadata = metadata
        self.displayName = displayName
        self.tier = tier
        self.suspension = suspension
        self.dataRetention = dataRetention
        self.providers = providers
        self.models = models
        self.budget = budget
        self.rateLimit = rateLimit
        self.byok = byok
        self.keys = keys
    }

    public var name: String { metadata.name }
}

/// Why a team is suspended; shown to its callers.
public struct Suspension: Sendable, Hashable, Codable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// A team's own provider credential (bring your own key), held by reference.
public struct BYOKCredential: Sendable, Hashable, Codable {
    /// Unique within the team.
    public var name: String
    /// The Provider this credential authenticates to.
    public var provider: String
    public var secret: SecretReference
    /// Provider-specific settings, e.g. an Azure resource name.
    public var options: [String: String]

    public init(name: String, provider: String, secret: SecretReference, options: [String: String] = [:]) {
        self.name = name
        self.provider = provider
        self.secret = secret
        self.options = options
    }
}

/// An API key as the manifest declares it. The gateway mints the secret; identity is (team, name).
public struct APIKeySpec: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    public var expiresAt: Timestamp?
    /// Narrows the team's model allowlist; nil keeps the team's.
    public var models: [String]?
    public var budget: Budget?
    public var rateLimit: RateLimit?
    /// Bumped to ask for a new secret.
    public var rotation: Int
    /// Seconds the previous secret keeps working after a rotation; nil takes the policy's.
    public var rotationOverlapSeconds: Int64?

    public init(
        name: String, description: String? = nil, expiresAt: Timestamp? = nil, models: [String]? = nil,
        budget: Budget? = nil, rateLimit: RateLimit? = nil, rotation: Int = 0, rotationOverlapSeconds: Int64? = nil
    ) {
        self.name = name
        self.description = description
        self.expiresAt = expiresAt
        self.models = models
        self.budget = budget
        self.rateLimit = rateLimit
        self.rotation = rotation
        self.rotationOverlapSeconds = rotationOverlapSeconds
    }
}
