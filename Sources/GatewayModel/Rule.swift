/// A routing, rewrite or deny rule. Rules run in ascending priority, ties broken by name.
public struct Rule: Sendable, Hashable, Codable {
    public var metadata: ResourceMetadata
    public var priority: Int
    public var match: RuleMatch
    public var action: RuleAction

    public init(metadata: ResourceMetadata, priority: Int, match: RuleMatch = RuleMatch(), action: RuleAction) {
        self.metadata = metadata
        self.priority = priority
        self.match = match
        self.action = action
    }

    public var name: String { metadata.name }
}

/// What a request must be for a rule to apply; every condition given must hold, an absent one holds always.
public struct RuleMatch: Sendable, Hashable, Codable {
    /// Globs over canonical model ids.
    public var models: [String]?
    /// Team names.
    public var teams: [String]?
    /// Keys as `team/key`.
    public var keys: [String]?

    public init(models: [String]? = nil, teams: [String]? = nil, keys: [String]? = nil) {
        self.models = models
        self.teams = teams
        self.keys = keys
    }
}

/// What a matching rule does.
public enum RuleAction: Sendable, Hashable, Codable {
    /// Refuse the request (`model_denied`); evaluation ends.
    case deny(message: String?)
    /// Replace the model; evaluation continues with the new model.
    case rewrite(model: String)
    /// Try these providers in order, then these models.
    case route(providers: [String], fallbackModels: [String])

    /// The action's field name in manifests.
    public var kind: String {
        switch self {
        case .deny: return "deny"
        case .rewrite: return "rewrite"
        case .route: return "route"
        }
    }
}
