/// The kinds of resource the gateway stores.
public enum ResourceKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case provider
    case policy
    case team
    case credential
    case apiKey
    case rule
    case issuer

    /// Parents before children: the order creates and updates apply in (deletes use the reverse).
    public var applyOrder: Int {
        switch self {
        case .provider: return 0
        case .policy: return 1
        case .team: return 2
        case .credential: return 3
        case .apiKey: return 4
        case .issuer: return 5
        case .rule: return 6
        }
    }

    /// Whether resources of this kind live inside a team (and so need `team` in their reference).
    public var isTeamScoped: Bool { self == .credential || self == .apiKey }

    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool { lhs.applyOrder < rhs.applyOrder }
}

/// Names one resource: `(kind, name)`, plus the team for credentials and API keys.
public struct ResourceRef: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var kind: ResourceKind
    public var name: String
    /// The owning team; set exactly when `kind.isTeamScoped`.
    public var team: String?

    public init(kind: ResourceKind, name: String, team: String? = nil) {
        self.kind = kind
        self.name = name
        self.team = team
    }

    public static func provider(_ name: String) -> ResourceRef { ResourceRef(kind: .provider, name: name) }
    public static var policy: ResourceRef { ResourceRef(kind: .policy, name: GatewayPolicy.requiredName) }
    public static func team(_ name: String) -> ResourceRef { ResourceRef(kind: .team, name: name) }
    public static func credential(team: String, name: String) -> ResourceRef {
        ResourceRef(kind: .credential, name: name, team: team)
    }
    public static func apiKey(team: String, name: String) -> ResourceRef {
        ResourceRef(kind: .apiKey, name: name, team: team)
    }
    public static func rule(_ name: String) -> ResourceRef { ResourceRef(kind: .rule, name: name) }
    public static func issuer(_ name: String) -> ResourceRef { ResourceRef(kind: .issuer, name: name) }

    /// `team/payments`, `apiKey/payments/checkout-backend`.
    public var description: String {
        if let team { return "\(kind.rawValue)/\(team)/\(name)" }
        return "\(kind.rawValue)/\(name)"
    }

    public static func < (lhs: ResourceRef, rhs: ResourceRef) -> Bool {
        (lhs.kind.applyOrder, lhs.team ?? "", lhs.name) < (rhs.kind.applyOrder, rhs.team ?? "", rhs.name)
    }
}
