import GatewayModel
import GatewayStore
import PostgresNIO

/// Reading resource rows: one select list for every table, decoded into the shared `StoredRow`.
enum PostgresRows {
    /// Team (empty for global kinds), name, then the `StoredRow` columns, in that order.
    static func selectList(_ table: ResourceTable) -> String {
        let team = table.teamScoped ? "team" : "''::text"
        let secret =
            table.name == "providers" || table.name == "credentials"
            ? "secret_salt, secret_sha256" : "NULL::text, NULL::text"
        let key =
            table.name == "api_keys"
            ? "key_hash, prefix, last_used_at, previous_secrets" : "NULL::text, NULL::text, NULL::text, NULL::text"
        return "\(team), name, spec, managed_by, revision, created_at, updated_at, \(secret), \(key)"
    }

    /// `ORDER BY` in byte order, as SQLite sorts, whatever the database's collation.
    static func order(_ table: ResourceTable) -> String {
        table.teamScoped ? "team COLLATE \"C\", name COLLATE \"C\"" : "name COLLATE \"C\""
    }

    /// The `WHERE` condition selecting `ref`'s row; its values are appended to `binds`.
    static func condition(_ ref: ResourceRef, binds: inout PostgresBindings) -> String {
        binds.append(ref.name)
        var condition = "name = $\(binds.count)"
        if ref.kind.isTeamScoped {
            binds.append(ref.team ?? "")
            condition += " AND team = $\(binds.count)"
        }
        return condition
    }

    /// A row selected with `selectList`, with its identity.
    static func decode(_ row: PostgresRow, kind: ResourceKind) throws -> (ref: ResourceRef, row: StoredRow) {
        let (
            team, name, spec, managedBy, revision, createdAt, updatedAt, salt, sha, keyHash, prefix, lastUsed, previous
        ) =
            try row.decode(
                (
                    String, String, String, String, Int64, String, String, String?, String?, String?, String?, String?,
                    String?
                ).self)
        let ref = ResourceRef(kind: kind, name: name, team: kind.isTeamScoped ? team : nil)
        return (
            ref,
            StoredRow(
                spec: spec, managedBy: managedBy, revision: revision, createdAt: createdAt, updatedAt: updatedAt,
                secretSalt: salt, secretSHA256: sha, keyHash: keyHash, prefix: prefix, lastUsedAt: lastUsed,
                previousSecrets: previous)
        )
    }

    /// The rows of `refs` (all of one kind) that exist, by identity: one query.
    static func existing(
        _ refs: [ResourceRef], kind: ResourceKind, on connection: PostgresConnection, logger: Logger
    ) async throws -> [ResourceRef: StoredRow] {
        guard !refs.isEmpty else { return [:] }
        let table = ResourceTable.of(kind)
        var binds = PostgresBindings()
        let sql: String
        if table.teamScoped {
            binds.append(refs.map { $0.team ?? "" })
            binds.append(refs.map(\.name))
            sql = """
                SELECT \(selectList(table)) FROM \(table.name)
                JOIN unnest($1::text[], $2::text[]) AS wanted(team, name) USING (team, name)
                """
        } else {
            binds.append(refs.map(\.name))
            sql = "SELECT \(selectList(table)) FROM \(table.name) WHERE name = ANY($1::text[])"
        }
        var found: [ResourceRef: StoredRow] = [:]
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            let (ref, stored) = try decode(row, kind: kind)
            found[ref] = stored
        }
        return found
    }
}
