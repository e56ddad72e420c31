import Foundation
import GRDB
import GatewayModel

extension SQLiteGatewayStore {
    public func recordUsage(_ usage: UsageRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO usage_records (request_id, team, key_name, model, provider, credential_kind,
                        credential_name, input_tokens, output_tokens, cost_micro_usd, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    usage.requestID, usage.team, usage.key, usage.model, usage.provider, usage.credentialKind.rawValue,
                    usage.credentialName, usage.inputTokens, usage.outputTokens, usage.costMicroUSD,
                    usage.at.description,
                ])
            // BYOK spend is the team's own: only system-credential spend is paid from credits.
            guard usage.credentialKind == .system, usage.costMicroUSD != 0 else { return }
            _ = try CreditLedger.adjust(
                db, team: usage.team, delta: -usage.costMicroUSD, reason: "request \(usage.requestID)",
                actor: "gateway",
                at: usage.at)
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
                    at: Timestamp(rfc3339: row["at"]) ?? Timestamp(seconds: 0))
            }
        }
    }
}
