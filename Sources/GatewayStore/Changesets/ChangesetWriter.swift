import Crypto
import Foundation
import GRDB
import GatewayCrypto
import GatewayModel

/// Applies one changeset inside one write transaction: preconditions, writes, audit entries,
/// the revision bump and the integrity check. Any throw rolls the whole transaction back.
struct ChangesetWriter {
    let db: Database
    let secrets: SecretBox
    let actor: String
    let now: String
    let encoder = RecordCoding.encoder()

    func apply(_ changeset: Changeset) throws -> ChangesetResult {
        let problems = ChangesetValidator.problems(in: changeset)
        guard problems.isEmpty else { throw GatewayAdminError.invalidChangeset(problems) }
        let current = try Int64.fetchOne(db, sql: "SELECT revision FROM gateway_meta WHERE id = 1") ?? 0
        guard !changeset.operations.isEmpty else { return ChangesetResult(revision: current, results: []) }

        var conflicts: [Conflict] = []
        for operation in changeset.operations {
            if let conflict = try precondition(operation) { conflicts.append(conflict) }
        }
        guard conflicts.isEmpty else { throw GatewayAdminError.conflict(conflicts) }

        let revision = current + 1
        var results: [OperationResult] = []
        results.reserveCapacity(changeset.operations.count)
        for operation in changeset.operations {
            results.append(try write(operation, revision: revision, managedBy: changeset.managedBy))
        }
        try db.execute(sql: "UPDATE gateway_meta SET revision = ? WHERE id = 1", arguments: [revision])

        var integrity = IntegrityCheck(db: db)
        let inconsistencies = try integrity.run(changeset)
        guard inconsistencies.isEmpty else { throw GatewayAdminError.invalidChangeset(inconsistencies) }
        return ChangesetResult(revision: revision, results: results)
    }

    private func precondition(_ operation: ChangeOperation) throws -> Conflict? {
        let table = ResourceTable.of(operation.target.kind)
        let (condition, arguments) = table.selector(operation.target)
        let actual = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT revision FROM \(table.name) WHERE \(condition)"), arguments: arguments)
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

    private func write(_ operation: ChangeOperation, revision: Int64, managedBy: String?) throws -> OperationResult {
        let target = operation.target
        let table = ResourceTable.of(target.kind)
        let (condition, arguments) = table.selector(target)
        // A create's precondition proved there is no row; only updates, rotations and deletes read one.
        let before = operation.op == .create ? nil : try table.row(target, in: db)
        let beforeDigest = before.map { digest(spec: $0["spec"], secret: $0["secret_sha256"], keyHash: $0["key_hash"]) }
        var minted: APIKeySecret?

        if operation.op == .delete {
            try db.execute(sql: "DELETE FROM \(table.name) WHERE \(condition)", arguments: arguments)
            if target.kind == .team {
                try db.execute(sql: "DELETE FROM credit_balances WHERE team = ?", arguments: [target.name])
            }
            try audit(operation.op, target, revision: revision, before: beforeDigest, after: nil)
            return OperationResult(op: .delete, target: target, revision: nil)
        }

        let spec = try specJSON(operation)
        let owner = managedBy ?? (before?["managed_by"] as String?) ?? ManagedBy.api
        var columns: [String: (any DatabaseValueConvertible)?] = [
            "spec": spec, "managed_by": owner, "revision": revision, "updated_at": now,
        ]
        if target.kind.isTeamScoped { columns["team"] = target.team }
        columns["name"] = target.name
        if let credential = operation.credential { columns["provider"] = credential.provider }
        if let secret = operation.secret {
            let sealed = try secrets.seal(secret, boundTo: Self.secretContext(target))
            let fingerprint = SecretFingerprint.make(secret)
            columns["secret_key_id"] = sealed.keyID
            columns["secret_sealed"] = sealed.combined
            columns["secret_salt"] = fingerprint.salt
            columns["secret_sha256"] = fingerprint.sha256
        } else if operation.clearSecret == true {
            for column in ["secret_key_id", "secret_sealed", "secret_salt", "secret_sha256"] {
                columns[column] = .some(nil)
            }
        }
        if target.kind == .apiKey, operation.op == .create || operation.op == .rotate {
            let key = APIKeySecret.mint()
            minted = key
            columns["key_hash"] = key.hash
            columns["prefix"] = key.prefix
        }

        if operation.op == .create {
            columns["created_at"] = now
            let names = columns.keys.sorted()
            let sql =
                "INSERT INTO \(table.name) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(Self.values(of: names, in: columns)))
        } else {
            columns["name"] = nil
            columns["team"] = nil
            let names = columns.keys.sorted()
            let sql = "UPDATE \(table.name) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")) WHERE \(condition)"
            try db.cachedStatement(sql: sql).execute(
                arguments: StatementArguments(Self.values(of: names, in: columns)) + arguments)
        }
        let after = digest(
            spec: spec,
            secret: operation.clearSecret == true
                ? nil : (columns["secret_sha256"] as? String) ?? before?["secret_sha256"],
            keyHash: (columns["key_hash"] as? String) ?? before?["key_hash"])
        try audit(operation.op, target, revision: revision, before: beforeDigest, after: after)
        return OperationResult(
            op: operation.op, target: target, revision: revision, secret: minted?.secret, prefix: minted?.prefix)
    }

    /// The column values in `names` order; a column set to nil writes NULL.
    private static func values(
        of names: [String], in columns: [String: (any DatabaseValueConvertible)?]
    ) -> [(any DatabaseValueConvertible)?] {
        names.map { name -> (any DatabaseValueConvertible)? in
            guard let value = columns[name] else { return nil }
            return value
        }
    }

    /// What a sealed secret is bound to: moving its ciphertext to another row breaks decryption.
    static func secretContext(_ target: ResourceRef) -> String { "gatewayd/v1/\(target)" }

    private func specJSON(_ operation: ChangeOperation) throws -> String {
        // Read-only fields are cleared so that they never land in the stored settings.
        if var record = operation.provider {
            record.secret = nil
            record.status = nil
            return try encode(record)
        }
        if var record = operation.policy {
            record.status = nil
            return try encode(record)
        }
        if var record = operation.team {
            record.status = nil
            return try encode(record)
        }
        if var record = operation.credential {
            record.secret = nil
            record.status = nil
            return try encode(record)
        }
        if var record = operation.apiKey {
            record.prefix = nil
            record.lastUsedAt = nil
            record.status = nil
            return try encode(record)
        }
        if var record = operation.rule {
            record.status = nil
            return try encode(record)
        }
        throw StoreError.invalid("\(operation.target): no settings")
    }

    private func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// SHA-256 over the stored settings, secret fingerprint and key hash: the audit log's before/after.
    private func digest(spec: String?, secret: String?, keyHash: String?) -> String {
        var hasher = SHA256()
        hasher.update(data: Data((spec ?? "").utf8))
        if let secret { hasher.update(data: Data(secret.utf8)) }
        if let keyHash { hasher.update(data: Data(keyHash.utf8)) }
        return Hex.encode(Array(hasher.finalize()))
    }

    private func audit(
        _ operation: ChangeOperation.Kind, _ target: ResourceRef, revision: Int64, before: String?, after: String?
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO audit_log (at, actor, operation, kind, team, name, revision, before_sha256, after_sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                now, actor, operation.rawValue, target.kind.rawValue, target.team, target.name, revision, before, after,
            ])
    }
}
