import Crypto
import Foundation
import GatewayCrypto
import GatewayModel

/// One row a changeset writes, in a form every backend executes the same way.
package struct RowWrite: Sendable {
    package enum Action: Sendable { case insert, update, delete }
    /// What happens to the row's sealed secret columns.
    package enum SecretChange: Sendable {
        case keep
        case set(SealedSecret, SecretFingerprint)
        case clear
    }

    package var action: Action
    package var target: ResourceRef
    /// The canonical settings JSON; empty for a delete.
    package var spec: String
    package var managedBy: String
    /// A credential's provider column.
    package var provider: String?
    package var secret: SecretChange
    /// Set when a key is minted (create or rotate).
    package var minted: APIKeySecret?
    /// A rotated key's new `previous_secrets` column: the replaced secret, retiring after the overlap.
    package var previousSecrets: String?
}

/// One audit-log entry a changeset appends.
package struct AuditWrite: Sendable {
    package var operation: String
    package var target: ResourceRef
    package var before: String?
    package var after: String?
}

/// A changeset turned into rows, after its preconditions held: what a backend writes inside the
/// transaction that read the rows it was prepared from. Preparation is the same for every
/// backend, so precondition, ownership, sealing and audit rules cannot drift between them.
package struct PreparedChangeset: Sendable {
    package var revision: Int64
    package var now: String
    package var writes: [RowWrite]
    package var audits: [AuditWrite]
    package var result: ChangesetResult

    /// Throws `GatewayAdminError.invalidChangeset` for malformed operations; reads nothing.
    package static func validate(_ changeset: Changeset) throws {
        let problems = ChangesetValidator.problems(in: changeset)
        guard problems.isEmpty else { throw GatewayAdminError.invalidChangeset(problems) }
    }

    /// Checks every precondition against `existing` (the stored row of a target, or nil) and
    /// prepares the writes at revision `current + 1`. Throws `GatewayAdminError.conflict` naming
    /// every failed precondition. An empty changeset prepares no writes at revision `current`.
    package static func prepare(
        _ changeset: Changeset, current: Int64, existing: (ResourceRef) throws -> StoredRow?, secrets: SecretBox,
        now: String
    ) throws -> PreparedChangeset {
        guard !changeset.operations.isEmpty else {
            return PreparedChangeset(
                revision: current, now: now, writes: [], audits: [],
                result: ChangesetResult(revision: current, results: []))
        }
        var rows: [StoredRow?] = []
        rows.reserveCapacity(changeset.operations.count)
        var conflicts: [Conflict] = []
        for operation in changeset.operations {
            let row = try existing(operation.target)
            rows.append(row)
            if let conflict = precondition(operation, actual: row?.revision) { conflicts.append(conflict) }
        }
        guard conflicts.isEmpty else { throw GatewayAdminError.conflict(conflicts) }

        let revision = current + 1
        var prepared = PreparedChangeset(
            revision: revision, now: now, writes: [], audits: [],
            result: ChangesetResult(revision: revision, results: []))
        prepared.writes.reserveCapacity(rows.count)
        prepared.audits.reserveCapacity(rows.count)
        prepared.result.results.reserveCapacity(rows.count)
        let encoder = RecordCoding.encoder()
        let overlap = try rotationOverlap(changeset, existing: existing)
        for (operation, before) in zip(changeset.operations, rows) {
            try prepared.add(
                operation, before: before, managedBy: changeset.managedBy, secrets: secrets, encoder: encoder,
                overlap: overlap)
        }
        return prepared
    }

    /// The policy's key rotation overlap in seconds, as the changeset leaves it: its own policy
    /// operation, else the stored policy, else the default. Read only when the changeset rotates.
    private static func rotationOverlap(
        _ changeset: Changeset, existing: (ResourceRef) throws -> StoredRow?
    ) throws -> Int64 {
        let fallback = GatewayPolicy.defaultKeyRotationOverlapSeconds
        guard changeset.operations.contains(where: { $0.op == .rotate }) else { return fallback }
        if let operation = changeset.operations.last(where: { $0.target.kind == .policy }) {
            return operation.op == .delete ? fallback : operation.payload?.policy?.keyRotationOverlapSeconds ?? fallback
        }
        guard let row = try existing(policyRef) else { return fallback }
        let policy = try JSONDecoder().decode(PolicyRecord.self, from: Data(row.spec.utf8))
        return policy.keyRotationOverlapSeconds ?? fallback
    }

    /// The one policy row, which a rotation reads for its overlap.
    package static let policyRef = ResourceRef(kind: .policy, name: GatewayPolicy.requiredName)

    static func precondition(_ operation: ChangeOperation, actual: Int64?) -> Conflict? {
        switch operation.op {
        case .create:
            guard let actual else { return nil }
            return Conflict(
                target: operation.target, expectedRevision: nil, actualRevision: actual,
                reason: "already exists (revision \(actual))")
        case .update, .delete, .rotate:
            guard let actual else {
                return Conflict(
                    target: operation.target, expectedRevision: operation.ifRevision, actualRevision: nil,
                    reason: "does not exist")
            }
            if let expected = operation.ifRevision, expected != actual {
                return Conflict(
                    target: operation.target, expectedRevision: expected, actualRevision: actual,
                    reason: "changed since revision \(expected) (now \(actual))")
            }
            return nil
        }
    }

    private mutating func add(
        _ operation: ChangeOperation, before: StoredRow?, managedBy: String?, secrets: SecretBox,
        encoder: JSONEncoder, overlap policyOverlap: Int64
    ) throws {
        let target = operation.target
        let beforeDigest = before.map { Self.digest(spec: $0.spec, secret: $0.secretSHA256, keyHash: $0.keyHash) }
        if operation.op == .delete {
            writes.append(
                RowWrite(
                    action: .delete, target: target, spec: "", managedBy: before?.managedBy ?? ManagedBy.api,
                    secret: .keep))
            audits.append(
                AuditWrite(operation: operation.op.rawValue, target: target, before: beforeDigest, after: nil))
            result.results.append(OperationResult(op: .delete, target: target, revision: nil))
            return
        }

        let spec = try Self.specJSON(operation, encoder: encoder)
        var write = RowWrite(
            action: operation.op == .create ? .insert : .update, target: target, spec: spec,
            managedBy: managedBy ?? before?.managedBy ?? ManagedBy.api,
            provider: operation.payload?.credential?.provider,
            secret: .keep)
        var secretSHA = before?.secretSHA256
        if let secret = operation.secret {
            let fingerprint = SecretFingerprint.make(secret)
            write.secret = .set(try secrets.seal(secret, boundTo: ResourceTable.secretContext(target)), fingerprint)
            secretSHA = fingerprint.sha256
        } else if operation.clearSecret == true {
            write.secret = .clear
            secretSHA = nil
        }
        var keyHash = before?.keyHash
        if target.kind == .apiKey, operation.op == .create || operation.op == .rotate {
            let key = APIKeySecret.mint()
            write.minted = key
            keyHash = key.hash
            if operation.op == .rotate, let before, let oldHash = before.keyHash {
                write.previousSecrets = PreviousSecretsColumn.rotated(
                    before.previousSecrets, hash: oldHash, prefix: before.prefix ?? "",
                    now: Timestamp(rfc3339: now) ?? .now,
                    overlap: operation.payload?.apiKey?.rotationOverlapSeconds ?? policyOverlap)
            }
        }
        writes.append(write)
        audits.append(
            AuditWrite(
                operation: operation.op.rawValue, target: target, before: beforeDigest,
                after: Self.digest(spec: spec, secret: secretSHA, keyHash: keyHash)))
        result.results.append(
            OperationResult(
                op: operation.op, target: target, revision: revision, secret: write.minted?.secret,
                prefix: write.minted?.prefix))
    }

    /// The settings a client may set, with read-only fields cleared so they never land in storage.
    private static func specJSON(_ operation: ChangeOperation, encoder: JSONEncoder) throws -> String {
        func encode<T: Encodable>(_ value: T) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        if var record = operation.payload?.provider {
            record.secret = nil
            record.status = nil
            return try encode(record)
        }
        if var record = operation.payload?.policy {
            record.status = nil
            return try encode(record)
        }
        if var record = operation.payload?.team {
            record.status = nil
            return try encode(record)
        }
        if var record = operation.payload?.credential {
            record.secret = nil
            record.status = nil
            return try encode(record)
        }
        if var record = operation.payload?.apiKey {
            record.prefix = nil
            record.lastUsedAt = nil
            record.previousSecrets = nil
            record.status = nil
            return try encode(record)
        }
        if var record = operation.payload?.rule {
            record.status = nil
            return try encode(record)
        }
        if var record = operation.payload?.issuer {
            record.status = nil
            return try encode(record)
        }
        throw StoreError.invalid("\(operation.target): no settings")
    }

    /// SHA-256 over the stored settings, secret fingerprint and key hash: the audit log's before/after.
    static func digest(spec: String?, secret: String?, keyHash: String?) -> String {
        var hasher = SHA256()
        hasher.update(data: Data((spec ?? "").utf8))
        if let secret { hasher.update(data: Data(secret.utf8)) }
        if let keyHash { hasher.update(data: Data(keyHash.utf8)) }
        return Hex.encode(Array(hasher.finalize()))
    }
}
