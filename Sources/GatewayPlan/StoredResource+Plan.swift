import GatewayModel

extension StoredResource {
    /// The resource with every field the gateway sets cleared: what manifests can describe.
    var normalised: StoredResource {
        switch self {
        case .provider(var record):
            record.secret = nil
            record.status = nil
            return .provider(record)
        case .policy(var record):
            record.status = nil
            return .policy(record)
        case .team(var record):
            record.status = nil
            return .team(record)
        case .credential(var record):
            record.secret = nil
            record.status = nil
            return .credential(record)
        case .apiKey(var record):
            record.prefix = nil
            record.lastUsedAt = nil
            record.previousSecrets = nil
            record.status = nil
            return .apiKey(record)
        case .rule(var record):
            record.status = nil
            return .rule(record)
        case .issuer(var record):
            record.status = nil
            return .issuer(record)
        }
    }

    var fingerprint: SecretFingerprint? {
        switch self {
        case .provider(let record): return record.secret
        case .credential(let record): return record.secret
        default: return nil
        }
    }

    var metadata: ResourceMetadata? {
        switch self {
        case .provider(let record): return record.metadata
        case .policy(let record): return record.metadata
        case .team(let record): return record.metadata
        case .rule(let record): return record.metadata
        case .issuer(let record): return record.metadata
        case .credential, .apiKey: return nil
        }
    }

    /// Field changes from `before` (nil for a create) to this resource.
    func changes(from before: StoredResource?) -> [FieldChange] {
        switch (self, before) {
        case (.provider(let new), .provider(let old)?): return FieldDiff.changes(from: old, to: new)
        case (.provider(let new), _): return FieldDiff.changes(from: nil, to: new)
        case (.policy(let new), .policy(let old)?): return FieldDiff.changes(from: old, to: new)
        case (.policy(let new), _): return FieldDiff.changes(from: nil, to: new)
        case (.team(let new), .team(let old)?): return FieldDiff.changes(from: old, to: new)
        case (.team(let new), _): return FieldDiff.changes(from: nil, to: new)
        case (.credential(let new), .credential(let old)?): return FieldDiff.changes(from: old, to: new)
        case (.credential(let new), _): return FieldDiff.changes(from: nil, to: new)
        case (.apiKey(let new), .apiKey(let old)?): return FieldDiff.changes(from: old, to: new)
        case (.apiKey(let new), _): return FieldDiff.changes(from: nil, to: new)
        case (.rule(let new), .rule(let old)?): return FieldDiff.changes(from: old, to: new)
        case (.rule(let new), _): return FieldDiff.changes(from: nil, to: new)
        case (.issuer(let new), .issuer(let old)?): return FieldDiff.changes(from: old, to: new)
        case (.issuer(let new), _): return FieldDiff.changes(from: nil, to: new)
        }
    }

    /// The changeset operation writing this resource (without any secret).
    func operation(_ op: ChangeOperation.Kind, _ ref: ResourceRef, ifRevision: Int64?) -> ChangeOperation {
        ChangeOperation(op: op, target: ref, ifRevision: ifRevision, payload: self)
    }
}
