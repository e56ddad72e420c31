import Foundation
import GatewayModel
import GatewayStore
import Logging
import PostgresNIO

/// The gateway state in PostgreSQL: what several gatewayd instances share.
///
/// Changesets and credit grants serialise on the one `gateway_meta` row (`SELECT … FOR UPDATE`),
/// so revisions never repeat or go missing however many instances write; every committed change
/// is announced with `NOTIFY gatewayd_state`, which `watchChanges` turns into reloads.
public final class PostgresGatewayStore: GatewayStore {
    /// The channel changes are announced on; its payload is the new revision.
    static let channel = "gatewayd_state"

    public let location: PostgresLocation
    /// The connection pool every query goes through; replaced by a fresh one when the server
    /// comes back after an outage (``PostgresGatewayStore+Renewal``).
    var client: PostgresClient { pool.current }
    let pool: PoolRenewal
    let secrets: SecretBox
    let logger: Logger

    /// A store over `location`; nothing is contacted until `run()` is running.
    public init(location: PostgresLocation, keyring: MasterKeyring, logger: Logger) {
        self.location = location
        self.logger = logger
        secrets = SecretBox(keyring: keyring)
        pool = PoolRenewal(location: location, logger: logger)
    }

    /// Runs the connection pool (and its renewal after outages) until the task is cancelled.
    public func run() async {
        await pool.run()
    }

    /// Runs `body` with a store over `location`: the pool running, the schema migrated.
    public static func with<Result: Sendable>(
        _ location: PostgresLocation, keyring: MasterKeyring, logger: Logger,
        _ body: @Sendable (PostgresGatewayStore) async throws -> Result
    ) async throws -> Result {
        let store = PostgresGatewayStore(location: location, keyring: keyring, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            // The pool warns about leases asked for before run() began; wait until the task is running it.
            await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
                group.addTask {
                    started.resume()
                    await store.run()
                }
            }
            await Task.yield()
            defer { group.cancelAll() }
            try await store.migrate()
            return try await body(store)
        }
    }

    /// Brings the schema to the current version (idempotent; safe from several instances at once).
    public func migrate() async throws {
        let logger = self.logger
        try await client.withConnection { connection in
            try await PostgresMigrations.migrate(connection, logger: logger)
        }
    }

    /// Runs `body` in one transaction on one connection; any throw rolls it back and is rethrown as is.
    func transaction<Result: Sendable>(
        readOnly: Bool = false, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await connection.query(
                readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Also what tells the pool's renewal how the server is: gatewayd reads the revision every
    /// 500 ms.
    public func revision() async throws -> Int64 {
        let logger = self.logger
        do {
            let revision = try await client.withConnection { try await Self.revision(on: $0, logger: logger) }
            pool.noteSuccess()
            return revision
        } catch {
            if isUnavailable(error) { pool.noteFailure() }
            throw error
        }
    }

    public func state() async throws -> GatewayState {
        let logger = self.logger
        return try await transaction(readOnly: true) { connection in
            let decoder = JSONDecoder()
            var state = GatewayState()
            state.revision = try await Self.revision(on: connection, logger: logger)
            try await Self.eachRow(on: connection, logger: logger) { kind, row in
                RecordCoding.add(try RecordCoding.resource(kind, row: row, decoder: decoder), to: &state)
            }
            return state
        }
    }

    public func stateJSON() async throws -> [UInt8] {
        let logger = self.logger
        return try await transaction(readOnly: true) { connection in
            var writer = StateJSONWriter(revision: try await Self.revision(on: connection, logger: logger))
            try await Self.eachRow(on: connection, logger: logger) { kind, row in writer.add(row, of: kind) }
            return writer.finish()
        }
    }

    public func resource(_ ref: ResourceRef) async throws -> StoredResource? {
        let logger = self.logger
        let rows = try await client.withConnection { connection in
            try await PostgresRows.existing([ref], kind: ref.kind, on: connection, logger: logger)
        }
        return try rows[ref].map { try RecordCoding.resource(ref.kind, row: $0, decoder: JSONDecoder()) }
    }

    public func apply(
        _ changeset: Changeset, actor: String, idempotencyKey: String?
    ) async throws
        -> ChangesetResult
    {
        try PreparedChangeset.validate(changeset)
        let replay = try idempotencyKey.map { try ChangesetReplay.Request(key: $0, changeset: changeset) }
        let writer = PostgresChangesetWriter(
            secrets: secrets, actor: actor, now: Timestamp.now, logger: logger)
        return try await transaction { connection in
            try await writer.apply(changeset, replay: replay, on: connection)
        }
    }

    public func grantCredits(team: String, _ grant: CreditGrant, actor: String) async throws -> CreditBalance {
        let now = Timestamp.now
        let logger = self.logger
        return try await transaction { connection in
            let revision = try await Self.lockRevision(on: connection, logger: logger) + 1
            guard try await Self.teamExists(team, on: connection, logger: logger) else {
                throw StoreError.notFound(.team(team))
            }
            let balance = try await PostgresCreditLedger.adjust(
                connection, team: team, delta: grant.amountMicroUSD, reason: grant.reason, actor: actor, at: now,
                logger: logger)
            try await connection.query(
                "UPDATE gateway_meta SET revision = \(revision) WHERE id = 1", logger: logger)
            try await connection.query(
                """
                INSERT INTO audit_log (at, actor, operation, kind, team, name, revision, before_sha256, after_sha256)
                VALUES (\(now.description), \(actor), 'grant-credits', 'team', NULL, \(team), \(revision), NULL, NULL)
                """, logger: logger)
            try await Self.announce(revision, on: connection, logger: logger)
            return CreditBalance(team: team, balanceMicroUSD: balance, updatedAt: now)
        }
    }

    public func credits(team: String) async throws -> CreditBalance? {
        let logger = self.logger
        return try await transaction(readOnly: true) { connection in
            guard try await Self.teamExists(team, on: connection, logger: logger) else { return nil }
            let row = try await connection.query(
                "SELECT balance_micro_usd, updated_at FROM credit_balances WHERE team = \(team)", logger: logger
            ).decode((Int64, String).self).first { _ in true }
            return CreditBalance(
                team: team, balanceMicroUSD: row?.0 ?? 0, updatedAt: row.flatMap { Timestamp(rfc3339: $0.1) })
        }
    }

    public func auditLog(after: Int64, limit: Int) async throws -> [AuditEntry] {
        let limit = Int64(max(0, min(limit, 10_000)))
        var entries: [AuditEntry] = []
        let rows = try await client.query(
            """
            SELECT id, at, actor, operation, kind, team, name, revision, before_sha256, after_sha256
            FROM audit_log WHERE id > \(after) ORDER BY id LIMIT \(limit)
            """, logger: logger)
        for try await (id, at, actor, operation, kind, team, name, revision, before, after) in rows.decode(
            (Int64, String, String, String, String, String?, String, Int64, String?, String?).self)
        {
            entries.append(
                AuditEntry(
                    id: id, at: Timestamp(rfc3339: at) ?? Timestamp(seconds: 0), actor: actor, operation: operation,
                    target: ResourceRef(kind: ResourceKind(rawValue: kind) ?? .team, name: name, team: team),
                    revision: revision, before: before, after: after))
        }
        return entries
    }

    // MARK: Shared pieces of transactions

    static func revision(on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await connection.query("SELECT revision FROM gateway_meta WHERE id = 1", logger: logger)
            .decode(Int64.self).first { _ in true } ?? 0
    }

    static func teamExists(_ team: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query("SELECT 1 FROM teams WHERE name = \(team)", logger: logger)
            .decode(Int32.self).first { _ in true } != nil
    }

    /// The current revision, with the row locked until the transaction ends: writers queue here.
    static func lockRevision(on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await connection.query("SELECT revision FROM gateway_meta WHERE id = 1 FOR UPDATE", logger: logger)
            .decode(Int64.self).first { _ in true } ?? 0
    }

    /// Tells every listening instance that the state reached `revision` (delivered on commit).
    static func announce(_ revision: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(channel), \(String(revision)))", logger: logger)
    }

    /// Every resource row, kind by kind in state order.
    static func eachRow(
        on connection: PostgresConnection, logger: Logger, _ body: (ResourceKind, StoredRow) throws -> Void
    ) async throws {
        for kind in StateJSONWriter.kinds {
            let table = ResourceTable.of(kind)
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL:
                        "SELECT \(PostgresRows.selectList(table)) FROM \(table.name) ORDER BY \(PostgresRows.order(table))"
                ), logger: logger)
            for try await row in rows { try body(kind, try PostgresRows.decode(row, kind: kind).row) }
        }
    }
}
