import GRDB

/// The SQLite schema, as numbered migrations. Never edit a shipped migration; add one.
///
/// Each described resource is a row with its identity as columns, its settings as canonical
/// JSON (`spec`), and bookkeeping columns. Secrets live in their own columns, sealed with
/// AES-GCM; API keys keep only a SHA-256 hash and a display prefix.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE gateway_meta (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        revision INTEGER NOT NULL
                    );
                    INSERT INTO gateway_meta (id, revision) VALUES (1, 0);

                    CREATE TABLE providers (
                        name TEXT PRIMARY KEY,
                        spec TEXT NOT NULL,
                        secret_key_id TEXT, secret_sealed BLOB, secret_salt TEXT, secret_sha256 TEXT,
                        managed_by TEXT NOT NULL, revision INTEGER NOT NULL,
                        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
                    );
                    CREATE TABLE policy (
                        name TEXT PRIMARY KEY,
                        spec TEXT NOT NULL,
                        managed_by TEXT NOT NULL, revision INTEGER NOT NULL,
                        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
                    );
                    CREATE TABLE teams (
                        name TEXT PRIMARY KEY,
                        spec TEXT NOT NULL,
                        managed_by TEXT NOT NULL, revision INTEGER NOT NULL,
                        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
                    );
                    CREATE TABLE credentials (
                        team TEXT NOT NULL, name TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        spec TEXT NOT NULL,
                        secret_key_id TEXT NOT NULL, secret_sealed BLOB NOT NULL,
                        secret_salt TEXT NOT NULL, secret_sha256 TEXT NOT NULL,
                        managed_by TEXT NOT NULL, revision INTEGER NOT NULL,
                        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                        PRIMARY KEY (team, name)
                    );
                    CREATE INDEX credentials_by_provider ON credentials (provider);
                    CREATE TABLE api_keys (
                        team TEXT NOT NULL, name TEXT NOT NULL,
                        spec TEXT NOT NULL,
                        key_hash TEXT NOT NULL UNIQUE,
                        prefix TEXT NOT NULL,
                        last_used_at TEXT,
                        managed_by TEXT NOT NULL, revision INTEGER NOT NULL,
                        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                        PRIMARY KEY (team, name)
                    );
                    CREATE TABLE rules (
                        name TEXT PRIMARY KEY,
                        spec TEXT NOT NULL,
                        managed_by TEXT NOT NULL, revision INTEGER NOT NULL,
                        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
                    );

                    CREATE TABLE credit_balances (
                        team TEXT PRIMARY KEY,
                        balance_micro_usd INTEGER NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE TABLE credit_ledger (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        team TEXT NOT NULL,
                        delta_micro_usd INTEGER NOT NULL,
                        balance_micro_usd INTEGER NOT NULL,
                        reason TEXT, actor TEXT NOT NULL, at TEXT NOT NULL
                    );
                    CREATE TABLE usage_records (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        request_id TEXT NOT NULL,
                        team TEXT NOT NULL, key_name TEXT NOT NULL,
                        model TEXT NOT NULL, provider TEXT NOT NULL,
                        credential_kind TEXT NOT NULL, credential_name TEXT,
                        input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
                        cost_micro_usd INTEGER NOT NULL,
                        at TEXT NOT NULL
                    );
                    CREATE INDEX usage_by_team_time ON usage_records (team, at);
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at TEXT NOT NULL, actor TEXT NOT NULL, operation TEXT NOT NULL,
                        kind TEXT NOT NULL, team TEXT, name TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        before_sha256 TEXT, after_sha256 TEXT
                    );
                    """)
        }
        // Answers to changesets sent with an Idempotency-Key, kept a day (`ChangesetReplay`).
        migrator.registerMigration("v2-changeset-replays") { db in
            try db.execute(
                sql: """
                    CREATE TABLE changeset_replays (
                        key TEXT PRIMARY KEY, digest TEXT NOT NULL,
                        key_id TEXT NOT NULL, sealed BLOB NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE INDEX changeset_replays_by_time ON changeset_replays (created_at);
                    """)
        }
        // What a replay decides again: the model asked for before rewrites, and the endpoint; and
        // each record's route (key, model asked, endpoint, provider, credential) as a number, so
        // a replay groups a million records by an integer instead of seven strings.
        migrator.registerMigration("v3-usage-requested-model") { db in
            try db.execute(
                sql: """
                    ALTER TABLE usage_records ADD COLUMN requested_model TEXT;
                    ALTER TABLE usage_records ADD COLUMN endpoint TEXT;
                    ALTER TABLE usage_records ADD COLUMN route_id INTEGER;
                    CREATE INDEX usage_by_time ON usage_records (at);
                    CREATE TABLE usage_routes (
                        id INTEGER PRIMARY KEY,
                        team TEXT NOT NULL, key_name TEXT NOT NULL,
                        requested_model TEXT NOT NULL, endpoint TEXT NOT NULL,
                        provider TEXT NOT NULL, credential_kind TEXT NOT NULL, credential_name TEXT NOT NULL,
                        UNIQUE (team, key_name, requested_model, endpoint, provider, credential_kind, credential_name)
                    );
                    """)
        }
        // Secrets rotations replaced, with the hash each still authenticates by until it retires
        // (`PreviousSecretsColumn`).
        migrator.registerMigration("v4-previous-secrets") { db in
            try db.execute(sql: "ALTER TABLE api_keys ADD COLUMN previous_secrets TEXT")
        }
        // Trusted OIDC issuers (docs/workload-identity.md), stored like rules.
        migrator.registerMigration("v5-issuers") { db in
            try db.execute(
                sql: """
                    CREATE TABLE issuers (
                        name TEXT PRIMARY KEY,
                        spec TEXT NOT NULL,
                        managed_by TEXT NOT NULL, revision INTEGER NOT NULL,
                        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
                    )
                    """)
        }
        return migrator
    }
}
