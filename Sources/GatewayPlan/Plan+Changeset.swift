import GatewayModel

extension Plan {
    /// The changeset that applies this plan, with the secrets it must carry filled in from
    /// `secrets` (resolved again at apply time; a plan never holds them).
    public func changeset(secrets: [ResourceRef: String], managedBy: String = ManagedBy.gwctl) throws -> Changeset {
        var operations: [ChangeOperation] = []
        operations.reserveCapacity(actions.count)
        for action in actions {
            var operation = action.operation
            if action.secret == .added || action.secret == .changed
                || (action.action == .create && action.target.kind == .credential)
            {
                guard let secret = secrets[action.target] else { throw PlanError.missingSecret(action.target) }
                operation.secret = secret
            }
            operations.append(operation)
        }
        return Changeset(operations: operations, managedBy: managedBy)
    }
}

/// Why a plan cannot be turned into a changeset.
public enum PlanError: Error, CustomStringConvertible, Equatable {
    case missingSecret(ResourceRef)

    public var description: String {
        switch self {
        case .missingSecret(let ref): return "the secret of \(ref) could not be resolved"
        }
    }
}
