import Foundation
import GatewayModel
import GatewayStore
import Logging
import PostgresNIO

/// Applies one changeset inside one PostgreSQL transaction, in batches: the rows it touches are
/// read with one query per kind, inserts and deletes are written many rows per statement, so a
/// 100k-key changeset costs a few hundred round trips rather than hundreds of thousands.
struct PostgresChangesetWriter {
    let secrets: SecretBox
    let actor: String
    let now: Timestamp
    let logger: Logger

    /// PostgreSQL allows 65,535 parameters per statement; batches stay under it.
    static let maxParameters = 60_000

    /// Applies the changeset, or, when its idempotency key already applied it, returns that answer.
    /// The revision lock serialises both, so two retries racing each other apply it once.
    func apply(
        _ changeset: Changeset, replay: ChangesetReplay.Request?, on connection: PostgresConnection
    ) async throws -> ChangesetResult {
        let current = try await PostgresGatewayStore.lockRevision(on: connection, logger: logger)
        if let replay, let answer = try await answer(to: replay, on: connection) { return answer }
        let result = try await apply(changeset, current: current, on: connection)
        if let replay { try await remember(result, for: replay, on: connection) }
        return result
    }

    /// The first answer to a changeset sent again under its idempotency key, if there was one.
    private func answer(
        to replay: ChangesetReplay.Request, on connection: PostgresConnection
    ) async throws -> ChangesetResult? {
        let stored = try await connection.query(
            "SELECT digest, key_id, sealed FROM changeset_replays WHERE key = \(replay.key)", logger: logger)
        for try await (storedDigest, keyID, sealed) in stored.decode((String, String, Data).self) {
            return try replay.open(
                SealedSecret(keyID: keyID, combined: sealed), storedDigest: storedDigest, secrets: secrets)
        }
        return nil
    }

    /// Keeps a changeset's answer for its retries, and drops expired ones.
    private func remember(
        _ result: ChangesetResult, for replay: ChangesetReplay.Request, on connection: PostgresConnection
    ) async throws {
        let sealed = try replay.seal(result, secrets: secrets)
        try await connection.query(
            "DELETE FROM changeset_replays WHERE created_at < \(ChangesetReplay.expiry(now: now))", logger: logger)
        try await connection.query(
            """
            INSERT INTO changeset_replays (key, digest, key_id, sealed, created_at)
            VALUES (\(replay.key), \(replay.digest), \(sealed.keyID), \(sealed.combined), \(now.description))
            """, logger: logger)
    }

    private func apply(
        _ changeset: Changeset, current: Int64, on connection: PostgresConnection
    ) async throws -> ChangesetResult {
        var existing: [ResourceRef: StoredRow] = [:]
        var targets = changeset.operations.map(\.target)
        // A rotation reads the stored policy for its overlap; the preconditions never see it.
        if changeset.operations.contains(where: { $0.op == .rotate }) { targets.append(PreparedChangeset.policyRef) }
        for (kind, refs) in Dictionary(grouping: targets, by: \.kind) {
            existing.merge(
                try await PostgresRows.existing(refs, kind: kind, on: connection, logger: logger)
            ) { $1 }
        }
        let prepared = try PreparedChangeset.prepare(
            changeset, current: current, existing: { existing[$0] }, secrets: secrets, now: now.description)
        guard !prepared.writes.isEmpty else { return prepared.result }

        // Deletes first (children before parents, as the plan orders them), then inserts and updates.
        try await deleteRows(prepared.writes.filter { $0.action == .delete }, on: connection)
        let inserts = Dictionary(grouping: prepared.writes.filter { $0.action == .insert }, by: \.target.kind)
        for kind in StateJSONWriter.kinds {
            try await insertRows(inserts[kind] ?? [], kind: kind, revision: prepared.revision, on: connection)
        }
        for write in prepared.writes where write.action == .update {
            try await update(write, revision: prepared.revision, on: connection)
        }
        try await insertAudit(prepared.audits, revision: prepared.revision, on: connection)
        try await connection.query(
            "UPDATE gateway_meta SET revision = \(prepared.revision) WHERE id = 1", logger: logger)

        var integrity = IntegrityCheck(
            facts: try await PostgresReferenceFacts.load(for: changeset, on: connection, logger: logger))
        let inconsistencies = try integrity.run(changeset)
        guard inconsistencies.isEmpty else { throw GatewayAdminError.invalidChangeset(inconsistencies) }
        try await PostgresGatewayStore.announce(prepared.revision, on: connection, logger: logger)
        return prepared.result
    }

    private func deleteRows(_ writes: [RowWrite], on connection: PostgresConnection) async throws {
        for (kind, group) in Dictionary(grouping: writes, by: \.target.kind) {
            let table = ResourceTable.of(kind)
            var binds = PostgresBindings()
            binds.append(group.map(\.target.name))
            if table.teamScoped {
                binds.append(group.map { $0.target.team ?? "" })
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            DELETE FROM \(table.name) USING unnest($1::text[], $2::text[]) AS gone(name, team)
                            WHERE \(table.name).name = gone.name AND \(table.name).team = gone.team
                            """, binds: binds), logger: logger)
            } else {
                try await connection.query(
                    PostgresQuery(unsafeSQL: "DELETE FROM \(table.name) WHERE name = ANY($1::text[])", binds: binds),
                    logger: logger)
                if kind == .team {
                    try await connection.query(
                        PostgresQuery(
                            unsafeSQL: "DELETE FROM credit_balances WHERE team = ANY($1::text[])", binds: binds),
                        logger: logger)
                }
            }
        }
    }

    /// The columns an insert writes for `kind`, and each one's value for a row.
    private func insertColumns(_ kind: ResourceKind) -> [String] {
        var columns = ["name", "spec", "managed_by", "revision", "created_at", "updated_at"]
        if kind.isTeamScoped { columns.insert("team", at: 0) }
        if kind == .credential { columns.append("provider") }
        if kind == .provider || kind == .credential {
            columns += ["secret_key_id", "secret_sealed", "secret_salt", "secret_sha256"]
        }
        if kind == .apiKey { columns += ["key_hash", "prefix"] }
        return columns
    }

    private func insertRows(
        _ writes: [RowWrite], kind: ResourceKind, revision: Int64, on connection: PostgresConnection
    ) async throws {
        guard !writes.isEmpty else { return }
        let table = ResourceTable.of(kind)
        let columns = insertColumns(kind)
        let perStatement = Self.maxParameters / columns.count
        var start = 0
        while start < writes.count {
            let batch = writes[start..<min(start + perStatement, writes.count)]
            var binds = PostgresBindings(capacity: batch.count * columns.count)
            var tuples: [String] = []
            tuples.reserveCapacity(batch.count)
            for write in batch {
                let first = binds.count
                for column in columns { try bind(column, of: write, revision: revision, into: &binds) }
                tuples.append("(" + (first + 1...binds.count).map { "$\($0)" }.joined(separator: ",") + ")")
            }
            try await connection.query(
                PostgresQuery(
                    unsafeSQL:
                        "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ","))",
                    binds: binds), logger: logger)
            start += batch.count
        }
    }

    private func bind(_ column: String, of write: RowWrite, revision: Int64, into binds: inout PostgresBindings) throws
    {
        var sealed: SealedSecret?
        var fingerprint: SecretFingerprint?
        if case .set(let secret, let print) = write.secret {
            sealed = secret
            fingerprint = print
        }
        switch column {
        case "team": binds.append(write.target.team ?? "")
        case "name": binds.append(write.target.name)
        case "spec": binds.append(write.spec)
        case "managed_by": binds.append(write.managedBy)
        case "revision": binds.append(revision)
        case "created_at", "updated_at": binds.append(now.description)
        case "provider": binds.append(write.provider ?? "")
        case "secret_key_id": binds.append(sealed?.keyID)
        case "secret_sealed": try binds.append(sealed?.combined)
        case "secret_salt": binds.append(fingerprint?.salt)
        case "secret_sha256": binds.append(fingerprint?.sha256)
        case "key_hash": binds.append(write.minted?.hash ?? "")
        case "prefix": binds.append(write.minted?.prefix ?? "")
        default: throw StoreError.invalid("no column \(column)")
        }
    }

    private func update(_ write: RowWrite, revision: Int64, on connection: PostgresConnection) async throws {
        let table = ResourceTable.of(write.target.kind)
        var binds = PostgresBindings()
        var assignments: [String] = []
        func set(_ column: String, _ value: some PostgresThrowingDynamicTypeEncodable) throws {
            try binds.append(value)
            assignments.append("\(column) = $\(binds.count)")
        }
        func setNull(_ column: String) { assignments.append("\(column) = NULL") }
        try set("spec", write.spec)
        try set("managed_by", write.managedBy)
        try set("revision", revision)
        try set("updated_at", now.description)
        if let provider = write.provider { try set("provider", provider) }
        switch write.secret {
        case .keep: break
        case .set(let sealed, let fingerprint):
            try set("secret_key_id", sealed.keyID)
            try set("secret_sealed", sealed.combined)
            try set("secret_salt", fingerprint.salt)
            try set("secret_sha256", fingerprint.sha256)
        case .clear:
            for column in ["secret_key_id", "secret_sealed", "secret_salt", "secret_sha256"] { setNull(column) }
        }
        if let key = write.minted {
            try set("key_hash", key.hash)
            try set("prefix", key.prefix)
        }
        if let previous = write.previousSecrets { try set("previous_secrets", previous) }
        let condition = PostgresRows.condition(write.target, binds: &binds)
        try await connection.query(
            PostgresQuery(
                unsafeSQL: "UPDATE \(table.name) SET \(assignments.joined(separator: ", ")) WHERE \(condition)",
                binds: binds), logger: logger)
    }

    private func insertAudit(_ entries: [AuditWrite], revision: Int64, on connection: PostgresConnection) async throws {
        let columns = 9
        let perStatement = Self.maxParameters / columns
        var start = 0
        while start < entries.count {
            let batch = entries[start..<min(start + perStatement, entries.count)]
            var binds = PostgresBindings(capacity: batch.count * columns)
            var tuples: [String] = []
            for entry in batch {
                let first = binds.count
                binds.append(now.description)
                binds.append(actor)
                binds.append(entry.operation)
                binds.append(entry.target.kind.rawValue)
                binds.append(entry.target.team)
                binds.append(entry.target.name)
                binds.append(revision)
                binds.append(entry.before)
                binds.append(entry.after)
                tuples.append("(" + (first + 1...binds.count).map { "$\($0)" }.joined(separator: ",") + ")")
            }
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO audit_log (at, actor, operation, kind, team, name, revision, before_sha256, after_sha256)
                        VALUES \(tuples.joined(separator: ","))
                        """, binds: binds), logger: logger)
            start += batch.count
        }
    }
}
