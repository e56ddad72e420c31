import Foundation
import GRDB
import GatewayModel

extension SQLiteGatewayStore {
    public func recordUsage(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        try await pool.write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO usage_records (request_id, team, key_name, model, provider, credential_kind,
                        credential_name, input_tokens, output_tokens, cost_micro_usd, at, requested_model, endpoint)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var ledger = CreditLedger(db)
            for usage in records {
                try insert.execute(arguments: [
                    usage.requestID, usage.team, usage.key, usage.model, usage.provider, usage.credentialKind.rawValue,
                    usage.credentialName, usage.inputTokens, usage.outputTokens, usage.costMicroUSD,
                    usage.at.description, usage.requestedModel, usage.endpoint?.rawValue,
                ])
                // BYOK spend is the team's own: only system-credential spend is paid from credits.
                guard usage.credentialKind == .system, usage.costMicroUSD != 0 else { continue }
                _ = try ledger.adjust(
                    team: usage.team, delta: -usage.costMicroUSD, reason: "request \(usage.requestID)",
                    actor: "gateway", at: usage.at)
            }
            try ledger.commit()
        }
    }

    public func recordKeyUse(_ uses: [KeyUse]) async throws {
        guard !uses.isEmpty else { return }
        try await pool.write { db in
            // Timestamps are whole-second RFC 3339 UTC text, so text order is time order.
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE api_keys SET last_used_at = ?1
                    WHERE team = ?2 AND name = ?3 AND (last_used_at IS NULL OR last_used_at < ?1)
                    """)
            for use in uses {
                try statement.execute(arguments: [use.at.description, use.team, use.name])
            }
        }
    }

    public func usage(since: Timestamp, team: String?) async throws -> [UsageRecord] {
        try await pool.read { db in
            var sql = "SELECT * FROM usage_records WHERE at >= ?"
            var arguments: StatementArguments = [since.description]
            if let team {
                sql += " AND team = ?"
                arguments += [team]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map { row in
                UsageRecord(
                    requestID: row["request_id"], team: row["team"], key: row["key_name"], model: row["model"],
                    provider: row["provider"],
                    credentialKind: UsageRecord.CredentialKind(rawValue: row["credential_kind"]) ?? .system,
                    credentialName: row["credential_name"], inputTokens: row["input_tokens"],
                    outputTokens: row["output_tokens"], costMicroUSD: row["cost_micro_usd"],
                    at: Timestamp(rfc3339: row["at"]) ?? Timestamp(seconds: 0), requestedModel: row["requested_model"],
                    endpoint: (row["endpoint"] as String?).flatMap(ExplainRequest.Endpoint.init(rawValue:)))
            }
        }
    }

    public func traffic(since: Timestamp) async throws -> [TrafficGroup] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT team, key_name, COALESCE(requested_model, model) AS asked, COALESCE(endpoint, 'chat') AS called,
                        provider, credential_kind, credential_name, COUNT(*) AS requests,
                        SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
                        SUM(cost_micro_usd) AS cost
                    FROM usage_records WHERE at >= ?
                    GROUP BY team, key_name, asked, called, provider, credential_kind, credential_name
                    ORDER BY team, key_name, asked, called, provider, credential_kind, credential_name
                    """, arguments: [since.description]
            ).map { row in
                TrafficGroup(
                    team: row["team"], key: row["key_name"], requestedModel: row["asked"],
                    endpoint: ExplainRequest.Endpoint(rawValue: row["called"]) ?? .chat, provider: row["provider"],
                    credentialKind: UsageRecord.CredentialKind(rawValue: row["credential_kind"]) ?? .system,
                    credentialName: row["credential_name"], requests: row["requests"],
                    inputTokens: row["input_tokens"], outputTokens: row["output_tokens"], costMicroUSD: row["cost"])
            }
        }
    }

    public func spend(team: String, key: String?, since: Timestamp) async throws -> Int64 {
        try await pool.read { db in
            var sql = """
                SELECT COALESCE(SUM(cost_micro_usd), 0) FROM usage_records
                WHERE team = ? AND credential_kind = 'system' AND at >= ?
                """
            var arguments: StatementArguments = [team, since.description]
            if let key {
                sql += " AND key_name = ?"
                arguments += [key]
            }
            return try Int64.fetchOne(db, sql: sql, arguments: arguments) ?? 0
        }
    }

    public func balance(team: String) async throws -> Int64 {
        try await pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT balance_micro_usd FROM credit_balances WHERE team = ?", arguments: [team]) ?? 0
        }
    }

    public func apiKeyHashes() async throws -> [APIKeyHash] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT team, name, key_hash FROM api_keys").map { row in
                APIKeyHash(hash: row["key_hash"], team: row["team"], name: row["name"])
            }
        }
    }
}
