import Foundation
import GRDB
import GatewayModel

/// The gateway state in one SQLite file (WAL mode): the embedded default, and what a single
/// gatewayd serves.
public final class SQLiteGatewayStore: GatewayStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let secrets: SecretBox

    /// Opens (creating if needed) the state at `path` and migrates it to the current schema.
    public init(path: String, keyring: MasterKeyring) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        // The state holds key hashes and sealed secrets: readable by its owner only.
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let created = !FileManager.default.fileExists(atPath: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "gateway-state"
        pool = try DatabasePool(path: path, configuration: configuration)
        secrets = SecretBox(keyring: keyring)
        try Migrations.migrator.migrate(pool)
        if created { chmod(path, 0o600) }
    }

    public func revision() async throws -> Int64 {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT revision FROM gateway_meta WHERE id = 1") ?? 0
        }
    }

    public func state() async throws -> GatewayState {
        try await pool.read { db in try StateReader(db: db).state() }
    }

    public func resource(_ ref: ResourceRef) async throws -> StoredResource? {
        try await pool.read { db in
            guard let row = try ResourceTable.of(ref.kind).row(ref, in: db) else { return nil }
            return try RecordCoding.resource(ref.kind, row: StoredRow(row), decoder: JSONDecoder())
        }
    }

    public func apply(
        _ changeset: Changeset, actor: String, idempotencyKey: String?
    ) async throws
        -> ChangesetResult
    {
        let secrets = self.secrets
        let now = Timestamp.now
        let replay = try idempotencyKey.map { try ChangesetReplay.Request(key: $0, changeset: changeset) }
        return try await pool.write { db in
            if let replay, let answer = try Self.answer(to: replay, in: db, secrets: secrets) { return answer }
            let result = try SQLiteChangesetWriter(db: db, secrets: secrets, actor: actor, now: now.description)
                .apply(changeset)
            if let replay { try Self.remember(result, for: replay, at: now, in: db, secrets: secrets) }
            return result
        }
    }

    /// The first answer to a changeset sent again under its idempotency key, if there was one.
    private static func answer(
        to replay: ChangesetReplay.Request, in db: Database, secrets: SecretBox
    ) throws -> ChangesetResult? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT digest, key_id, sealed FROM changeset_replays WHERE key = ?", arguments: [replay.key])
        else { return nil }
        return try replay.open(
            SealedSecret(keyID: row["key_id"], combined: row["sealed"]), storedDigest: row["digest"], secrets: secrets)
    }

    /// Keeps a changeset's answer for its retries, and drops expired ones.
    private static func remember(
        _ result: ChangesetResult, for replay: ChangesetReplay.Request, at now: Timestamp, in db: Database,
        secrets: SecretBox
    ) throws {
        let sealed = try replay.seal(result, secrets: secrets)
        try db.execute(
            sql: "DELETE FROM changeset_replays WHERE created_at < ?", arguments: [ChangesetReplay.expiry(now: now)])
        try db.execute(
            sql: "INSERT INTO changeset_replays (key, digest, key_id, sealed, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [replay.key, replay.digest, sealed.keyID, sealed.combined, now.description])
    }

    public func grantCredits(team: String, _ grant: CreditGrant, actor: String) async throws -> CreditBalance {
        let now = Timestamp.now
        return try await pool.write { db in
            guard
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM teams WHERE name = ?)", arguments: [team])
                    == true
            else { throw StoreError.notFound(.team(team)) }
            let balance = try CreditLedger.adjust(
                db, team: team, delta: grant.amountMicroUSD, reason: grant.reason, actor: actor, at: now)
            let revision = (try Int64.fetchOne(db, sql: "SELECT revision FROM gateway_meta WHERE id = 1") ?? 0) + 1
            try db.execute(sql: "UPDATE gateway_meta SET revision = ? WHERE id = 1", arguments: [revision])
            try db.execute(
                sql: """
                    INSERT INTO audit_log (at, actor, operation, kind, team, name, revision, before_sha256, after_sha256)
                    VALUES (?, ?, 'grant-credits', 'team', NULL, ?, ?, NULL, NULL)
                    """,
                arguments: [now.description, actor, team, revision])
            return CreditBalance(team: team, balanceMicroUSD: balance, updatedAt: now)
        }
    }

    public func credits(team: String) async throws -> CreditBalance? {
        try await pool.read { db in
            guard
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM teams WHERE name = ?)", arguments: [team])
                    == true
            else { return nil }
            let row = try Row.fetchOne(
                db, sql: "SELECT balance_micro_usd, updated_at FROM credit_balances WHERE team = ?", arguments: [team])
            return CreditBalance(
                team: team, balanceMicroUSD: row?["balance_micro_usd"] ?? 0,
                updatedAt: (row?["updated_at"] as String?).flatMap(Timestamp.init(rfc3339:)))
        }
    }

    public func auditLog(after: Int64, limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [after, max(0, min(limit, 10_000))]
            ).map { row in
                AuditEntry(
                    id: row["id"], at: Timestamp(rfc3339: row["at"]) ?? Timestamp(seconds: 0), actor: row["actor"],
                    operation: row["operation"],
                    target: ResourceRef(
                        kind: ResourceKind(rawValue: row["kind"]) ?? .team, name: row["name"], team: row["team"]),
                    revision: row["revision"], before: row["before_sha256"], after: row["after_sha256"])
            }
        }
    }
}
