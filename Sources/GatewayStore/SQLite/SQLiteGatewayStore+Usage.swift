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
                        credential_name, input_tokens, output_tokens, cost_micro_usd, at, requested_model, endpoint,
                        route_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let route = try db.cachedStatement(
                sql: """
                    INSERT INTO usage_routes (team, key_name, requested_model, endpoint, provider, credential_kind,
                        credential_name)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET team = excluded.team
                    RETURNING id
                    """)
            var routes: [TrafficRoute: Int64] = [:]
            var ledger = CreditLedger(db)
            for usage in records {
                let identity = TrafficRoute(usage)
                let routeID: Int64
                if let known = routes[identity] {
                    routeID = known
                } else {
                    routeID = try Int64.fetchOne(route, arguments: identity.arguments) ?? 0
                    routes[identity] = routeID
                }
                try insert.execute(arguments: [
                    usage.requestID, usage.team, usage.key, usage.model, usage.provider, usage.credentialKind.rawValue,
                    usage.credentialName, usage.inputTokens, usage.outputTokens, usage.costMicroUSD,
                    usage.at.description, usage.requestedModel, usage.endpoint?.rawValue, routeID,
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
            // Records are appended in time order, give or take a batch: the window starts near
            // the first id at or after `since`, and is read from there in id order.
            let first =
                try Int64.fetchOne(
                    db, sql: "SELECT MIN(id) FROM usage_records WHERE at >= ?", arguments: [since.description]) ?? 0
            var totals: [Int64: (requests: Int, input: Int, output: Int, cost: Int64)] = [:]
            var legacy: [UsageRecord] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT route_id, input_tokens, output_tokens, cost_micro_usd,
                        team, key_name, model, provider, credential_kind, credential_name
                    FROM usage_records WHERE id >= ? AND at >= ?
                    """, arguments: [first, since.description])
            while let row = try rows.next() {
                guard let id = row[0] as Int64? else {
                    // Written before routes were kept: replayed as the model served, on chat.
                    legacy.append(
                        UsageRecord(
                            requestID: "", team: row[4], key: row[5], model: row[6], provider: row[7],
                            credentialKind: UsageRecord.CredentialKind(rawValue: row[8]) ?? .system,
                            credentialName: row[9], inputTokens: row[1], outputTokens: row[2], costMicroUSD: row[3]))
                    continue
                }
                var total = totals[id] ?? (0, 0, 0, 0)
                total.requests += 1
                total.input += row[1] as Int
                total.output += row[2] as Int
                total.cost += row[3] as Int64
                totals[id] = total
            }
            var groups = TrafficGroup.grouping(legacy)
            groups.reserveCapacity(groups.count + totals.count)
            if !totals.isEmpty {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM usage_routes") {
                    guard let total = totals[row["id"]] else { continue }
                    let name: String = row["credential_name"]
                    groups.append(
                        TrafficGroup(
                            team: row["team"], key: row["key_name"], requestedModel: row["requested_model"],
                            endpoint: ExplainRequest.Endpoint(rawValue: row["endpoint"]) ?? .chat,
                            provider: row["provider"],
                            credentialKind: UsageRecord.CredentialKind(rawValue: row["credential_kind"]) ?? .system,
                            credentialName: name.isEmpty ? nil : name, requests: total.requests,
                            inputTokens: total.input, outputTokens: total.output, costMicroUSD: total.cost))
                }
            }
            return TrafficGroup.merged(groups)
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
            var hashes: [APIKeyHash] = []
            for row in try Row.fetchAll(db, sql: "SELECT team, name, key_hash, previous_secrets FROM api_keys") {
                let team: String = row["team"]
                let name: String = row["name"]
                hashes.append(APIKeyHash(hash: row["key_hash"], team: team, name: name))
                hashes += PreviousSecretsColumn.hashes(row["previous_secrets"], team: team, name: name)
            }
            return hashes
        }
    }
}
