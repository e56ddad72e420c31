/// A Provider as the gateway stores it. The system secret is write-only: reads carry its fingerprint.
public struct ProviderRecord: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var type: ProviderType
    public var baseURL: String?
    public var zeroDataRetention: Bool
    public var models: [ProviderModel]
    /// Set on reads when the provider has a system credential.
    public var secret: SecretFingerprint?
    /// Set on reads.
    public var status: RecordStatus?

    public init(
        metadata: ResourceMetadata, type: ProviderType, baseURL: String? = nil, zeroDataRetention: Bool = false,
        models: [ProviderModel] = [], secret: SecretFingerprint? = nil, status: RecordStatus? = nil
    ) {
        self.metadata = metadata
        self.type = type
        self.baseURL = baseURL
        self.zeroDataRetention = zeroDataRetention
        self.models = models
        self.secret = secret
        self.status = status
    }
}

/// The gateway-wide policy as stored.
public struct PolicyRecord: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var dataRetention: DataRetention
    public var byokRequiresPaidTier: Bool
    public var perRequestBYOK: Bool
    /// Seconds a rotated key's previous secret keeps working when the key sets none; nil is
    /// `GatewayPolicy.defaultKeyRotationOverlapSeconds`.
    public var keyRotationOverlapSeconds: Int64?
    public var status: RecordStatus?

    public init(
        metadata: ResourceMetadata = ResourceMetadata(name: GatewayPolicy.requiredName),
        dataRetention: DataRetention = .standard, byokRequiresPaidTier: Bool = false, perRequestBYOK: Bool = false,
        keyRotationOverlapSeconds: Int64? = nil, status: RecordStatus? = nil
    ) {
        self.metadata = metadata
        self.dataRetention = dataRetention
        self.byokRequiresPaidTier = byokRequiresPaidTier
        self.perRequestBYOK = perRequestBYOK
        self.keyRotationOverlapSeconds = keyRotationOverlapSeconds
        self.status = status
    }

    /// The overlap a rotation of `key` gets: the key's own, else this policy's, else the default.
    public func rotationOverlapSeconds(of key: APIKeyRecord) -> Int64 {
        key.rotationOverlapSeconds ?? keyRotationOverlapSeconds ?? GatewayPolicy.defaultKeyRotationOverlapSeconds
    }
}

/// A team's settings as stored; its keys and credentials are records of their own.
public struct TeamRecord: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var displayName: String?
    public var tier: Tier
    public var suspension: Suspension?
    public var dataRetention: DataRetention?
    public var providers: [String]?
    public var models: [String]?
    public var budget: Budget?
    public var rateLimit: RateLimit?
    public var status: RecordStatus?

    public init(
        metadata: ResourceMetadata, displayName: String? = nil, tier: Tier = .free, suspension: Suspension? = nil,
        dataRetention: DataRetention? = nil, providers: [String]? = nil, models: [String]? = nil,
        budget: Budget? = nil, rateLimit: RateLimit? = nil, status: RecordStatus? = nil
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
        self.status = status
    }
}

/// A team's BYOK credential as stored; the secret is write-only.
public struct CredentialRecord: Sendable, Hashable, Codable {
    public var team: String
    public var name: String
    public var provider: String
    public var options: [String: String]
    /// Set on reads.
    public var secret: SecretFingerprint?
    public var status: RecordStatus?

    public init(
        team: String, name: String, provider: String, options: [String: String] = [:],
        secret: SecretFingerprint? = nil, status: RecordStatus? = nil
    ) {
        self.team = team
        self.name = name
        self.provider = provider
        self.options = options
        self.secret = secret
        self.status = status
    }
}

/// An API key as stored: its settings, never its secret (only a hash, kept server-side, and a display prefix).
public struct APIKeyRecord: Sendable, Hashable, Codable {
    public var team: String
    public var name: String
    public var description: String?
    public var expiresAt: Timestamp?
    public var models: [String]?
    public var budget: Budget?
    public var rateLimit: RateLimit?
    public var rotation: Int
    /// Seconds the previous secret keeps working after a rotation; nil takes the policy's.
    public var rotationOverlapSeconds: Int64?
    /// The first characters of the secret, e.g. `gw_3kF9aB2x`, to recognise a key in logs; set on reads.
    public var prefix: String?
    /// When the key last authenticated a request; set on reads.
    public var lastUsedAt: Timestamp?
    /// Secrets earlier rotations replaced, oldest first, retiring or retired; set on reads.
    public var previousSecrets: [PreviousSecret]?
    public var status: RecordStatus?

    public init(
        team: String, name: String, description: String? = nil, expiresAt: Timestamp? = nil, models: [String]? = nil,
        budget: Budget? = nil, rateLimit: RateLimit? = nil, rotation: Int = 0, rotationOverlapSeconds: Int64? = nil,
        prefix: String? = nil, lastUsedAt: Timestamp? = nil, previousSecrets: [PreviousSecret]? = nil,
        status: RecordStatus? = nil
    ) {
        self.team = team
        self.name = name
        self.description = description
        self.expiresAt = expiresAt
        self.models = models
        self.budget = budget
        self.rateLimit = rateLimit
        self.rotation = rotation
        self.rotationOverlapSeconds = rotationOverlapSeconds
        self.prefix = prefix
        self.lastUsedAt = lastUsedAt
        self.previousSecrets = previousSecrets
        self.status = status
    }
}

/// A rule as stored.
public struct RuleRecord: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var priority: Int
    public var match: RuleMatch
    public var action: RuleAction
    public var status: RecordStatus?

    public init(
        metadata: ResourceMetadata, priority: Int, match: RuleMatch = RuleMatch(), action: RuleAction,
        status: RecordStatus? = nil
    ) {
        self.metadata = metadata
        self.priority = priority
        self.match = match
        self.action = action
        self.status = status
    }
}
