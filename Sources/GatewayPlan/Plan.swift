import GatewayModel

/// What applying manifests to a gateway would do, resource by resource.
public struct Plan: Sendable, Hashable, Codable {
    /// Plan format version, for saved plans.
    public var formatVersion: Int = 1
    /// The gateway this plan was made against, as printed in the header.
    public var target: String
    /// The state revision the plan read.
    public var stateRevision: Int64
    /// Changes, parents first for creates and updates, children first for deletes.
    public var actions: [PlannedAction]
    /// Live resources absent from the manifests that gwctl does not own: left alone.
    public var unmanaged: [ResourceRef]
    /// Reasons the plan must not be applied (a protected resource to delete, too many deletes, …).
    public var errors: [String]
    /// What the plan changes in who can reach what; nil when it was not computed (`--no-access`).
    public var access: AccessReview?
    /// The recorded traffic decided again under the planned state; nil unless asked (`--replay`).
    public var replay: TrafficReplay?

    public init(
        target: String, stateRevision: Int64, actions: [PlannedAction], unmanaged: [ResourceRef], errors: [String],
        access: AccessReview? = nil
    ) {
        self.access = access
        self.target = target
        self.stateRevision = stateRevision
        self.actions = actions
        self.unmanaged = unmanaged
        self.errors = errors
    }

    /// Whether applying would change anything.
    public var hasChanges: Bool { !actions.isEmpty }

    /// How many actions of each kind.
    public var summary: PlanSummary {
        var summary = PlanSummary()
        for action in actions {
            switch action.action {
            case .create: summary.create += 1
            case .update: summary.update += 1
            case .delete: summary.delete += 1
            case .rotate: summary.rotate += 1
            }
        }
        return summary
    }

    /// The API keys applying would mint (creates and rotations of keys).
    public var keysMinted: [ResourceRef] {
        actions.filter { $0.target.kind == .apiKey && ($0.action == .create || $0.action == .rotate) }.map(\.target)
    }

    /// How many API keys applying would mint.
    public var keysToMint: Int { keysMinted.count }
}

/// Counts of a plan's actions.
public struct PlanSummary: Sendable, Hashable, Codable, CustomStringConvertible {
    public var create = 0
    public var update = 0
    public var delete = 0
    public var rotate = 0

    public init() {}

    /// `Plan: 3 to create, 1 to update, 2 to delete, 1 to rotate.`
    public var description: String {
        "Plan: \(create) to create, \(update) to update, \(delete) to delete, \(rotate) to rotate."
    }
}

/// One change to one resource.
public struct PlannedAction: Sendable, Hashable, Codable {
    public var action: ChangeOperation.Kind
    public var target: ResourceRef
    /// Field-level changes; for a create, every field set; empty for a delete.
    public var changes: [FieldChange]
    /// Whether the resource's secret is added, changed or removed (values never shown).
    public var secret: SecretChange?
    /// Where the new secret comes from (`env:NAME`, `file:PATH`), so a reviewer sees it; never the value.
    public var secretSource: String?
    /// Plain-language consequences ("mints a new secret", "moves from team A to team B", …).
    public var notes: [String]
    /// The operation to send, with its precondition; its `secret` is never set in a plan.
    public var operation: ChangeOperation

    public init(
        action: ChangeOperation.Kind, target: ResourceRef, changes: [FieldChange], secret: SecretChange?,
        notes: [String], operation: ChangeOperation
    ) {
        self.action = action
        self.target = target
        self.changes = changes
        self.secret = secret
        self.notes = notes
        self.operation = operation
    }
}

/// A field that changes, with JSON-rendered values (nil when absent).
public struct FieldChange: Sendable, Hashable, Codable {
    public var path: String
    public var before: String?
    public var after: String?

    public init(path: String, before: String?, after: String?) {
        self.path = path
        self.before = before
        self.after = after
    }
}

/// What happens to a held secret; rendered as `(secret changed)`, never as a value.
public enum SecretChange: String, Sendable, Hashable, Codable {
    case added
    case changed
    case removed
}
