import Foundation
import GRDB
import GatewayModel

/// Applies one changeset inside one SQLite write transaction: preconditions, writes, audit
/// entries, the revision bump and the integrity check. Any throw rolls the whole transaction back.
struct SQLiteChangesetWriter {
    let db: Database
    let secrets: SecretBox
    let actor: String
    let now: String

    func apply(_ changeset: Changeset) throws -> ChangesetResult {
        try PreparedChangeset.validate(changeset)
        let current = try Int64.fetchOne(db, sql: "SELECT revision FROM gateway_meta WHERE id = 1") ?? 0
        let db = self.db
        let prepared = try PreparedChangeset.prepare(
            changeset, current: current,
            existing: { ref in try ResourceTable.of(ref.kind).row(ref, in: db).map(StoredRow.init) },
            secrets: secrets, now: now)
        guard !prepared.writes.isEmpty else { return prepared.result }

        for write in prepared.writes { try execute(write, revision: prepared.revision) }
        for entry in prepared.audits { try audit(entry, revision: prepared.revision) }
        try db.execute(sql: "UPDATE gateway_meta SET revision = ? WHERE id = 1", arguments: [prepared.revision])

        var integrity = IntegrityCheck(facts: SQLiteReferenceFacts(db: db))
        let inconsistencies = try integrity.run(changeset)
        guard inconsistencies.isEmpty else { throw GatewayAdminError.invalidChangeset(inconsistencies) }
        return prepared.result
    }

    private func execute(_ write: RowWrite, revision: Int64) throws {
        let target = write.target
        let table = ResourceTable.of(target.kind)
        let (condition, arguments) = table.selector(target)
        if write.action == .delete {
            try db.execute(sql: "DELETE FROM \(table.name) WHERE \(condition)", arguments: arguments)
            if target.kind == .team {
                try db.execute(sql: "DELETE FROM credit_balances WHERE team = ?", arguments: [target.name])
            }
            return
        }
        var columns: [String: (any DatabaseValueConvertible)?] = [
            "spec": write.spec, "managed_by": write.managedBy, "revision": revision, "updated_at": now,
        ]
        if let provider = write.provider { columns["provider"] = provider }
        switch write.secret {
        case .keep: break
        case .set(let sealed, let fingerprint):
            columns["secret_key_id"] = sealed.keyID
            columns["secret_sealed"] = sealed.combined
            columns["secret_salt"] = fingerprint.salt
            columns["secret_sha256"] = fingerprint.sha256
        case .clear:
            for column in ["secret_key_id", "secret_sealed", "secret_salt", "secret_sha256"] {
                columns[column] = .some(nil)
            }
        }
        if let key = write.minted {
            columns["key_hash"] = key.hash
            columns["prefix"] = key.prefix
        }
        if let previous = write.previousSecrets { columns["previous_secrets"] = previous }
        if write.action == .insert {
            columns["created_at"] = now
            columns["name"] = target.name
            if table.teamScoped { columns["team"] = target.team }
            let names = columns.keys.sorted()
            let sql =
                "INSERT INTO \(table.name) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(Self.values(of: names, in: columns)))
        } else {
            let names = columns.keys.sorted()
            let sql = "UPDATE \(table.name) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")) WHERE \(condition)"
            try db.cachedStatement(sql: sql).execute(
                arguments: StatementArguments(Self.values(of: names, in: columns)) + arguments)
        }
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

    private func audit(_ entry: AuditWrite, revision: Int64) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO audit_log (at, actor, operation, kind, team, name, revision, before_sha256, after_sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                now, actor, entry.operation, entry.target.kind.rawValue, entry.target.team, entry.target.name, revision,
                entry.before, entry.after,
            ])
    }
}
