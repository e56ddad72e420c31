/// An upstream the gateway can call.
public struct Provider: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var type: ProviderType
    /// Required for every type but `mock`.
    public var baseURL: String?
    /// Whether the upstream honours zero data retention.
    public var zeroDataRetention: Bool
    /// The system credential; spend through it is paid from team credits.
    public var secret: SecretReference?
    public var models: [ProviderModel]

    public init(
        metadata: ResourceMetadata, type: ProviderType, baseURL: String? = nil, zeroDataRetention: Bool = false,
        secret: SecretReference? = nil, models: [ProviderModel] = []
    ) {
        self.metadata = metadata
        self.type = type
        self.baseURL = baseURL
        self.zeroDataRetention = zeroDataRetention
        self.secret = secret
        self.models = models
    }

    public var name: String { metadata.name }
}

/// A model a provider serves, under its canonical id (`creator/name`).
public struct ProviderModel: Sendable, Hashable, Codable {
    public var id: String
    /// The provider's own name for it; nil means the part of `id` after the slash.
    public var upstream: String?
    public var pricing: Pricing?

    public init(id: String, upstream: String? = nil, pricing: Pricing? = nil) {
        self.id = id
        self.upstream = upstream
        self.pricing = pricing
    }

    /// The name to send upstream.
    public var upstreamName: String {
        if let upstream { return upstream }
        guard let slash = id.firstIndex(of: "/") else { return id }
        return String(id[id.index(after: slash)...])
    }
}

/// Prices per million tokens in US dollars.
public struct Pricing: Sendable, Hashable, Codable {
    public var inputPerMTokUSD: Double
    public var outputPerMTokUSD: Double

    public init(inputPerMTokUSD: Double, outputPerMTokUSD: Double) {
        self.inputPerMTokUSD = inputPerMTokUSD
        self.outputPerMTokUSD = outputPerMTokUSD
    }
}
