/// An expectation about access, kept in the manifests beside what it tests: which keys, asking for
/// which models, must be served how or refused why. Evaluated by `gwctl test`, `validate`, `plan`
/// and `apply` against the desired state (and against a live gateway on request); never sent to
/// the gateway as state.
public struct AccessTest: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    /// The keys the expectation is about.
    public var select: KeySelector
    /// A model glob; nil for every served model.
    public var model: String?
    public var expect: AccessExpectation

    public init(
        metadata: ResourceMetadata, select: KeySelector = KeySelector(), model: String? = nil, expect: AccessExpectation
    ) {
        self.metadata = metadata
        self.select = select
        self.model = model
        self.expect = expect
    }

    public var name: String { metadata.name }
}

/// Which keys an access test is about; every condition given must hold.
public struct KeySelector: Sendable, Hashable, Codable {
    /// Globs over team names.
    public var teams: [String]?
    /// Globs over keys as `team/name`.
    public var keys: [String]?
    /// Labels the key's team must carry.
    public var labels: [String: String]?
    public var tier: Tier?
    /// The team's data retention, after the gateway default.
    public var dataRetention: DataRetention?

    public init(
        teams: [String]? = nil, keys: [String]? = nil, labels: [String: String]? = nil, tier: Tier? = nil,
        dataRetention: DataRetention? = nil
    ) {
        self.teams = teams
        self.keys = keys
        self.labels = labels
        self.tier = tier
        self.dataRetention = dataRetention
    }
}

/// What must hold for every selected key and model.
public enum AccessExpectation: Sendable, Hashable, Codable {
    /// Admitted, the first provider tried being `provider` (when given), paid by `credential` (when given).
    case served(provider: String?, credential: UsageRecord.CredentialKind?)
    /// Refused with this code (`model_denied`, `zdr_unsatisfiable`, …).
    case refused(code: String)
    /// Every provider the key can reach offers zero data retention.
    case zdrOnly
    /// Nothing the key can reach is paid from system credits.
    case noSystemCredential
    /// A key that can reach anything has a budget of its own or its team's.
    case budgeted

    /// The manifest names of the property expectations (`holds:`).
    public static let propertyNames = ["zdr-only", "no-system-credential", "budgeted"]

    /// The property expectation named `name` in a manifest.
    public init?(property name: String) {
        switch name {
        case "zdr-only": self = .zdrOnly
        case "no-system-credential": self = .noSystemCredential
        case "budgeted": self = .budgeted
        default: return nil
        }
    }
}
