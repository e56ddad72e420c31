/// A list of changes applied all together or not at all.
public struct Changeset: Sendable, Hashable, Codable {
    public var operations: [ChangeOperation]
    /// Recorded as `managedBy` on what the changeset creates or updates; default `api`.
    public var managedBy: String?

    public init(operations: [ChangeOperation], managedBy: String? = nil) {
        self.operations = operations
        self.managedBy = managedBy
    }
}

/// One change to one resource, with its precondition.
///
/// `create` requires that the resource does not exist. `update`, `delete` and `rotate` require
/// that it exists and, when `ifRevision` is given, that its revision is exactly that.
public struct ChangeOperation: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case create
        case update
        case delete
        /// API keys only: mint a new secret, replacing the old one, and apply the given settings.
        case rotate
    }

    public var op: Kind
    public var target: ResourceRef
    public var ifRevision: Int64?
    /// The new settings for create, update and rotate, of `target.kind` (the validator refuses
    /// any other kind); nil for a delete. On the wire it is the one member named after its kind.
    public var payload: StoredResource?
    /// Write-only plaintext of a provider's system secret or a credential's secret.
    /// On update, absent keeps the stored secret; for providers, `clearSecret` removes it.
    public var secret: String?
    public var clearSecret: Bool?

    public init(
        op: Kind, target: ResourceRef, ifRevision: Int64? = nil, payload: StoredResource? = nil,
        secret: String? = nil, clearSecret: Bool? = nil
    ) {
        self.op = op
        self.target = target
        self.ifRevision = ifRevision
        self.payload = payload
        self.secret = secret
        self.clearSecret = clearSecret
    }
}

/// What a changeset did.
public struct ChangesetResult: Sendable, Hashable, Codable {
    /// The state revision after the changeset (unchanged when it had no operations).
    public var revision: Int64
    public var results: [OperationResult]

    public init(revision: Int64, results: [OperationResult]) {
        self.revision = revision
        self.results = results
    }
}

/// What one operation did. `secret` is the only place a minted API key's plaintext ever appears.
public struct OperationResult: Sendable, Hashable, Codable {
    public var op: ChangeOperation.Kind
    public var target: ResourceRef
    /// The resource's revision after the change; nil after a delete.
    public var revision: Int64?
    /// A newly minted API key secret (create or rotate of an API key): shown once, never stored.
    public var secret: String?
    public var prefix: String?

    public init(
        op: ChangeOperation.Kind, target: ResourceRef, revision: Int64?, secret: String? = nil, prefix: String? = nil
    ) {
        self.op = op
        self.target = target
        self.revision = revision
        self.secret = secret
        self.prefix = prefix
    }
}

/// A precondition that did not hold.
public struct Conflict: Sendable, Hashable, Codable, CustomStringConvertible {
    public var target: ResourceRef
    /// The revision the operation required; nil for "must not exist".
    public var expectedRevision: Int64?
    /// The revision found; nil when the resource does not exist.
    public var actualRevision: Int64?
    public var reason: String

    public init(target: ResourceRef, expectedRevision: Int64?, actualRevision: Int64?, reason: String) {
        self.target = target
        self.expectedRevision = expectedRevision
        self.actualRevision = actualRevision
        self.reason = reason
    }

    public var description: String { "\(target): \(reason)" }
}

/// An operation that is wrong in itself or leaves the state inconsistent.
public struct ChangeProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public var target: ResourceRef
    public var message: String

    public init(target: ResourceRef, message: String) {
        self.target = target
        self.message = message
    }

    public var description: String { "\(target): \(message)" }
}
