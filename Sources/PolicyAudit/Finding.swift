import GatewayModel

/// One thing wrong (or worth knowing) about the gateway's configuration, found by `gwctl audit`
/// on the live state or by the plan-time lint on manifests.
public struct Finding: Sendable, Hashable, Codable {
    /// How much a finding matters: `--fail-on` compares against it, and plan-time errors stop a plan.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
        case info
        case warning
        case error

        private var rank: Int {
            switch self {
            case .info: return 0
            case .warning: return 1
            case .error: return 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var code: FindingCode
    public var severity: Severity
    public var resource: ResourceRef
    /// Where in the resource's spec the finding points, in manifest terms (`models[1]`,
    /// `route.providers[0]`), so that the plan-time lint can name a line; nil for the whole resource.
    public var field: String?
    public var message: String
    /// One line saying what to change.
    public var fix: String

    public init(
        _ code: FindingCode, _ severity: Severity, _ resource: ResourceRef, field: String? = nil, _ message: String,
        fix: String
    ) {
        self.code = code
        self.severity = severity
        self.resource = resource
        self.field = field
        self.message = message
        self.fix = fix
    }

    /// Findings in a stable order: by resource, then code, then field.
    static func ordered(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if lhs.resource != rhs.resource { return lhs.resource < rhs.resource }
        if lhs.code != rhs.code { return lhs.code.rawValue < rhs.code.rawValue }
        return (lhs.field ?? "") < (rhs.field ?? "")
    }
}

/// Stable identifiers of findings. Renaming one breaks users' CI filters: add, never rename.
public enum FindingCode: String, Sendable, Hashable, Codable, CaseIterable {
    // Keys.
    case keyExpired = "key-expired"
    case keyExpiring = "key-expiring"
    case keyNoExpiry = "key-no-expiry"
    case keyUnused = "key-unused"
    case keyUnmanaged = "key-unmanaged"
    case keyTeamSuspended = "key-team-suspended"
    case keyModelsUnreachable = "key-models-unreachable"
    case keySecretRetiring = "key-secret-retiring"
    // Teams and credentials.
    case byokFreeTier = "byok-free-tier"
    case byokUnusable = "byok-unusable"
    case zdrUnsatisfiable = "zdr-unsatisfiable"
    case providerWithoutCredential = "provider-without-credential"
    // Globs, providers and rules.
    case globMatchesNothing = "glob-matches-nothing"
    case providerWithoutModels = "provider-without-models"
    case modelNotServed = "model-not-served"
    case ruleNeverMatches = "rule-never-matches"
    case denyAll = "deny-all"
    case denyShadowsRules = "deny-shadows-rules"
    case rewriteLoop = "rewrite-loop"
    case routeProviderNotServing = "route-provider-not-serving"
    case fallbackNotAllowed = "fallback-not-allowed"
    // Across environments.
    case identityDrift = "identity-drift"

    /// Whether the finding depends on facts only the live gateway has (usage, ownership), or is
    /// the manifest's own deliberate statement, so the plan-time lint does not report it.
    public var isLiveOnly: Bool {
        switch self {
        case .keyUnused, .keyUnmanaged, .keyNoExpiry, .keyTeamSuspended, .keySecretRetiring: return true
        default: return false
        }
    }
}
