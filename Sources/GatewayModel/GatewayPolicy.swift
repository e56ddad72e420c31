/// Gateway-wide settings; at most one, named `default`.
public struct GatewayPolicy: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var dataRetention: DataRetention
    /// When true, BYOK on a free-tier team is refused with `byok_requires_paid_tier`.
    public var byokRequiresPaidTier: Bool
    /// Whether callers may pass a provider credential with a request.
    public var perRequestBYOK: Bool

    public init(
        metadata: ResourceMetadata = ResourceMetadata(name: GatewayPolicy.requiredName),
        dataRetention: DataRetention = .standard, byokRequiresPaidTier: Bool = false, perRequestBYOK: Bool = false
    ) {
        self.metadata = metadata
        self.dataRetention = dataRetention
        self.byokRequiresPaidTier = byokRequiresPaidTier
        self.perRequestBYOK = perRequestBYOK
    }

    /// The only name a GatewayPolicy may have.
    public static let requiredName = "default"
}
