import Foundation
import GatewayModel
import GatewayStore
import PostgresNIO

extension PostgresGatewayStore {
    public func recordUsage(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        let logger = self.logger
        try await transaction { connection in
            for usage in records {
                // A record already there was written by an earlier try of this batch: not again,
                // and not debited again.
                let inserted = try await connection.query(
                    """
                    INSERT INTO usage_records (request_id, team, key_name, model, provider, credential_kind,
                        credential_name, input_tokens, output_tokens, cost_micro_usd, at, requested_model, endpoint)
                    VALUES (\(usage.requestID), \(usage.team), \(usage.key), \(usage.model), \(usage.provider),
                        \(usage.credentialKind.rawValue), \(usage.credentialName), \(Int64(usage.inputTokens)),
                        \(Int64(usage.outputTokens)), \(usage.costMicroUSD), \(usage.at.description),
                        \(usage.requestedModel), \(usage.endpoint?.rawValue))
                    ON CONFLICT (request_id) DO NOTHING
                    RETURNING id
                    """, logger: logger)
                var isNew = false
                for try await _ in inserted { isNew = true }
                // BYOK spend is the team's own: only system-credential spend is paid from credits.
                guard isNew, usage.credentialKind == .system, usage.costMicroUSD != 0 else { continue }
                _ = try await PostgresCreditLedger.adjust(
                    connection, team: usage.team, delta: -usage.costMicroUSD, reason: "request \(usage.requestID)",
                    actor: "gateway", at: usage.at, logger: logger)
            }
        }
    }

    public func recordKeyUse(_ uses: [KeyUse]) async throws {
        guard !uses.isEmpty else { return }
        var binds = PostgresBindings()
        binds.append(uses.map(\.team))
        binds.append(uses.map(\.name))
        binds.append(uses.map(\.at.description))
        // Timestamps are whole-second RFC 3339 UTC text, so text order is time order.
        try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    UPDATE api_keys SET last_used_at = used.at
                    FROM unnest($1::text[], $2::text[], $3::text[]) AS used(team, name, at)
                    WHERE api_keys.team = used.team AND api_keys.name = used.name
                      AND (api_keys.last_used_at IS NULL OR api_keys.last_used_at COLLATE "C" < used.at COLLATE "C")
                    """, binds: binds), logger: logger)
    }

    public func usage(since: Timestamp, team: String?) async throws -> [UsageRecord] {
        let rows = try await client.query(
            """
            SELECT request_id, team, key_name, model, provider, credential_kind, credential_name,
                input_tokens, output_tokens, cost_micro_usd, at, requested_model, endpoint
            FROM usage_records WHERE at >= \(since.description) AND (\(team)::text IS NULL OR team = \(team))
            ORDER BY id
            """, logger: logger)
        var records: [UsageRecord] = []
        for try await (
            requestID, team, key, model, provider, kind, credential, input, output, cost, at, asked, endpoint
        )
            in rows.decode(
                (String, String, String, String, String, String, String?, Int64, Int64, Int64, String, String?, String?)
                    .self)
        {
            records.append(
                UsageRecord(
                    requestID: requestID, team: team, key: key, model: model, provider: provider,
                    credentialKind: UsageRecord.CredentialKind(rawValue: kind) ?? .system, credentialName: credential,
                    inputTokens: Int(input), outputTokens: Int(output), costMicroUSD: cost,
                    at: Timestamp(rfc3339: at) ?? Timestamp(seconds: 0), requestedModel: asked,
                    endpoint: endpoint.flatMap(ExplainRequest.Endpoint.init(rawValue:))))
        }
        return records
    }

    public func traffic(since: Timestamp) async throws -> [TrafficGroup] {
        let rows = try await client.query(
            """
            SELECT team, key_name, COALESCE(requested_model, model) AS asked, COALESCE(endpoint, 'chat') AS called,
                provider, credential_kind, credential_name, COUNT(*)::bigint,
                SUM(input_tokens)::bigint, SUM(output_tokens)::bigint, SUM(cost_micro_usd)::bigint
            FROM usage_records WHERE at >= \(since.description)
            GROUP BY team, key_name, asked, called, provider, credential_kind, credential_name
            ORDER BY team, key_name, asked, called, provider, credential_kind, credential_name
            """, logger: logger)
        var groups: [TrafficGroup] = []
        for try await (team, key, asked, endpoint, provider, kind, credential, requests, input, output, cost)
            in rows.decode((String, String, String, String, String, String, String?, Int64, Int64, Int64, Int64).self)
        {
            groups.append(
                TrafficGroup(
                    team: team, key: key, requestedModel: asked,
                    endpoint: ExplainRequest.Endpoint(rawValue: endpoint) ?? .chat, provider: provider,
                    credentialKind: UsageRecord.CredentialKind(rawValue: kind) ?? .system, credentialName: credential,
                    requests: Int(requests), inputTokens: Int(input), outputTokens: Int(output), costMicroUSD: cost))
        }
        return groups
    }

    public func spend(team: String, key: String?, since: Timestamp) async throws -> Int64 {
        try await client.query(
            """
            SELECT COALESCE(SUM(cost_micro_usd), 0)::bigint FROM usage_records
            WHERE team = \(team) AND credential_kind = 'system' AND at >= \(since.description)
              AND (\(key)::text IS NULL OR key_name = \(key))
            """, logger: logger
        ).decode(Int64.self).first { _ in true } ?? 0
    }

    public func balance(team: String) async throws -> Int64 {
        try await client.query(
            "SELECT balance_micro_usd FROM credit_balances WHERE team = \(team)", logger: logger
        ).decode(Int64.self).first { _ in true } ?? 0
    }

    public func apiKeyHashes() async throws -> [APIKeyHash] {
        var hashes: [APIKeyHash] = []
        let rows = try await client.query(
            "SELECT team, name, key_hash, previous_secrets FROM api_keys", logger: logger)
        for try await (team, name, hash, previous) in rows.decode((String, String, String, String?).self) {
            hashes.append(APIKeyHash(hash: hash, team: team, name: name))
            hashes += PreviousSecretsColumn.hashes(previous, team: team, name: name)
        }
        return hashes
    }

    /// The plaintext of a provider's system secret or a credential's secret, for the data plane.
    public func secret(of ref: ResourceRef) async throws -> String? {
        guard ref.kind == .provider || ref.kind == .credential else { return nil }
        let table = ResourceTable.of(ref.kind)
        var binds = PostgresBindings()
        let condition = PostgresRows.condition(ref, binds: &binds)
        let row = try await client.query(
            PostgresQuery(
                unsafeSQL: "SELECT secret_key_id, secret_sealed FROM \(table.name) WHERE \(condition)", binds: binds),
            logger: logger
        ).decode((String?, Data?).self).first { _ in true }
        guard let row, let keyID = row.0, let combined = row.1 else { return nil }
        return try secrets.open(
            SealedSecret(keyID: keyID, combined: combined), boundTo: ResourceTable.secretContext(ref))
    }
}
