import Logging
import PostgresNIO

/// The PostgreSQL schema, as numbered migrations applied under an advisory lock, so several
/// gatewayd instances starting at once migrate it exactly once. Never edit a shipped migration.
///
/// The tables mirror the SQLite schema: identity columns, canonical JSON settings (`spec`, kept
/// as text so the stored bytes are exactly what was written), sealed secrets, bookkeeping.
enum PostgresMigrations {
    static let lockID: Int64 = 0x6777_6374_6C00  // "gwctl"

    static let all: [(name: String, statements: [String])] = [
        (
            "v1-state",
            [
                """
                CREATE TABLE gateway_meta (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    revision BIGINT NOT NULL
                )
                """,
                "INSERT INTO gateway_meta (id, revision) VALUES (1, 0)",
                """
                CREATE TABLE providers (
                    name TEXT PRIMARY KEY,
                    spec TEXT NOT NULL,
                    secret_key_id TEXT, secret_sealed BYTEA, secret_salt TEXT, secret_sha256 TEXT,
                    managed_by TEXT NOT NULL, revision BIGINT NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE policy (
                    name TEXT PRIMARY KEY,
                    spec TEXT NOT NULL,
                    managed_by TEXT NOT NULL, revision BIGINT NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE teams (
                    name TEXT PRIMARY KEY,
                    spec TEXT NOT NULL,
                    managed_by TEXT NOT NULL, revision BIGINT NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE credentials (
                    team TEXT NOT NULL, name TEXT NOT NULL,
                    provider TEXT NOT NULL,
                    spec TEXT NOT NULL,
                    secret_key_id TEXT NOT NULL, secret_sealed BYTEA NOT NULL,
                    secret_salt TEXT NOT NULL, secret_sha256 TEXT NOT NULL,
                    managed_by TEXT NOT NULL, revision BIGINT NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                    PRIMARY KEY (team, name)
                )
                """,
                "CREATE INDEX credentials_by_provider ON credentials (provider)",
                """
                CREATE TABLE api_keys (
                    team TEXT NOT NULL, name TEXT NOT NULL,
                    spec TEXT NOT NULL,
                    key_hash TEXT NOT NULL UNIQUE,
                    prefix TEXT NOT NULL,
                    last_used_at TEXT,
                    managed_by TEXT NOT NULL, revision BIGINT NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                    PRIMARY KEY (team, name)
                )
                """,
                """
                CREATE TABLE rules (
                    name TEXT PRIMARY KEY,
                    spec TEXT NOT NULL,
                    managed_by TEXT NOT NULL, revision BIGINT NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE credit_balances (
                    team TEXT PRIMARY KEY,
                    balance_micro_usd BIGINT NOT NULL,
                    updated_at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE credit_ledger (
                    id BIGSERIAL PRIMARY KEY,
                    team TEXT NOT NULL,
                    delta_micro_usd BIGINT NOT NULL,
                    balance_micro_usd BIGINT NOT NULL,
                    reason TEXT, actor TEXT NOT NULL, at TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE usage_records (
                    id BIGSERIAL PRIMARY KEY,
                    request_id TEXT NOT NULL,
                    team TEXT NOT NULL, key_name TEXT NOT NULL,
                    model TEXT NOT NULL, provider TEXT NOT NULL,
                    credential_kind TEXT NOT NULL, credential_name TEXT,
                    input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
                    cost_micro_usd BIGINT NOT NULL,
                    at TEXT NOT NULL
                )
                """,
                "CREATE INDEX usage_by_team_time ON usage_records (team, at)",
                """
                CREATE TABLE audit_log (
                    id BIGSERIAL PRIMARY KEY,
                    at TEXT NOT NULL, actor TEXT NOT NULL, operation TEXT NOT NULL,
                    kind TEXT NOT NULL, team TEXT, name TEXT NOT NULL,
                    revision BIGINT NOT NULL,
                    before_sha256 TEXT, after_sha256 TEXT
                )
                """,
            ]
        ),
        // Answers to changesets sent with an Idempotency-Key, kept a day (`ChangesetReplay`).
        (
            "v2-changeset-replays",
            [
                """
                CREATE TABLE changeset_replays (
                    key TEXT PRIMARY KEY, digest TEXT NOT NULL,
                    key_id TEXT NOT NULL, sealed BYTEA NOT NULL,
                    created_at TEXT NOT NULL
                )
                """,
                "CREATE INDEX changeset_replays_by_time ON changeset_replays (created_at)",
            ]
        ),
        // What a replay decides again: the model asked for before rewrites, and the endpoint.
        (
            "v3-usage-requested-model",
            [
                "ALTER TABLE usage_records ADD COLUMN requested_model TEXT",
                "ALTER TABLE usage_records ADD COLUMN endpoint TEXT",
                "CREATE INDEX usage_by_time ON usage_records (at)",
            ]
        ),
        // Secrets rotations replaced, with the hash each still authenticates by until it retires.
        ("v4-previous-secrets", ["ALTER TABLE api_keys ADD COLUMN previous_secrets TEXT"]),
        // Trusted OIDC issuers, stored like rules.
        (
            "v5-issuers",
            [
                """
                CREATE TABLE issuers (
                    name TEXT PRIMARY KEY,
                    spec TEXT NOT NULL,
                    managed_by TEXT NOT NULL, revision BIGINT NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
                )
                """
            ]
        ),
        // Rate-limit buckets every instance adds its consumption to (`RateLimitExchange`). Not
        // configuration: no revision, no audit entry. Times are seconds by the database's clock.
        (
            "v6-rate-limit-buckets",
            [
                """
                CREATE TABLE rate_limit_buckets (
                    scope TEXT PRIMARY KEY,
                    per_minute DOUBLE PRECISION NOT NULL, level DOUBLE PRECISION NOT NULL,
                    consumed DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL
                )
                """
            ]
        ),
        // One record per request, so a usage batch written again after a lost connection (it may
        // have committed) is recorded and debited once. Request ids are 96 random bits; a
        // duplicate could only come from such a retry before this index, and the first is kept.
        (
            "v7-usage-request-ids",
            [
                """
                DELETE FROM usage_records AS later USING usage_records AS first
                WHERE later.request_id = first.request_id AND later.id > first.id
                """,
                "CREATE UNIQUE INDEX usage_by_request ON usage_records (request_id)",
            ]
        ),
    ]

    /// Applies every migration not yet applied, each in the transaction that records it.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockID))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS gateway_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger)
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM gateway_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
            for migration in all where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO gateway_migrations (name) VALUES (\(migration.name))", logger: logger)
                logger.notice("migrated the state", metadata: ["migration": .string(migration.name)])
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
