/// Gateway-wide settings; at most one, named `default`.
public struct GatewayPolicy: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var dataRetention: DataRetention
    /// When true, BYOK on a free-tier team is refused with `byok_requires_paid_tier`.
    public var byokRequiresPaidTier: Bool
    /// Whether callers may pass a provider credential with a request.
    public var perRequestBYOK: Bool
    /// Seconds a rotated key's previous secret keeps working, for keys that set no overlap of
    /// their own; nil is `GatewayPolicy.defaultKeyRotationOverlapSeconds`.
    public var keyRotationOverlapSeconds: Int64?

    public init(
        metadata: ResourceMetadata = ResourceMetadata(name: GatewayPolicy.requiredName),
        dataRetention: DataRetention = .standard, byokRequiresPaidTier: Bool = false, perRequestBYOK: Bool = false,
        keyRotationOverlapSeconds: Int64? = nil
    ) {
        self.metadata = metadata
        self.dataRetention = dataRetention
        self.byokRequiresPaidTier = byokRequiresPaidTier
        self.perRequestBYOK = perRequestBYOK
        self.keyRotationOverlapSeconds = keyRotationOverlapSeconds
    }

    /// A day: long enough for a deployment to pick up the new secret, short enough that a
    /// leaked one does not linger (a leak is rotated with `rotationOverlap: 0`).
    public static let defaultKeyRotationOverlapSeconds: Int64 = 86_400

    /// 90 days: an overlap longer than a quarter keeps a replaced secret alive past any sane rollout.
    public static let maxKeyRotationOverlapSeconds: Int64 = 90 * 86_400

    /// The only name a GatewayPolicy may have.
    public static let requiredName = "default"
}
