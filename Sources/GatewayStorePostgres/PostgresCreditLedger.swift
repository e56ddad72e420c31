import GatewayModel
import GatewayStore
import Logging
import PostgresNIO

/// Moves a team's credit balance and records why, inside the caller's transaction.
///
/// The balance moves in one `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement, so debits from
/// several instances at once serialise on the row and none is lost.
enum PostgresCreditLedger {
    static func adjust(
        _ connection: PostgresConnection, team: String, delta: Int64, reason: String?, actor: String, at: Timestamp,
        logger: Logger
    ) async throws -> Int64 {
        let balance: Int64?
        do {
            balance = try await connection.query(
                """
                INSERT INTO credit_balances (team, balance_micro_usd, updated_at) VALUES (\(team), \(delta), \(at.description))
                ON CONFLICT (team) DO UPDATE SET
                    balance_micro_usd = credit_balances.balance_micro_usd + excluded.balance_micro_usd,
                    updated_at = excluded.updated_at
                RETURNING balance_micro_usd
                """, logger: logger
            ).decode(Int64.self).first { _ in true }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "22003" {
            throw StoreError.invalid("the change overflows the balance")
        }
        guard let balance else { throw StoreError.invalid("the balance of \(team) could not be read") }
        try await connection.query(
            """
            INSERT INTO credit_ledger (team, delta_micro_usd, balance_micro_usd, reason, actor, at)
            VALUES (\(team), \(delta), \(balance), \(reason), \(actor), \(at.description))
            """, logger: logger)
        return balance
    }
}
