import GRDB
import GatewayModel

/// Moves a team's credit balance and records why, inside the caller's transaction: the one place
/// grants and request debits change money.
enum CreditLedger {
    /// Adds `delta` (negative to debit) to `team`'s balance and appends a ledger entry; returns the new balance.
    static func adjust(
        _ db: Database, team: String, delta: Int64, reason: String?, actor: String, at: Timestamp
    ) throws -> Int64 {
        let before =
            try Int64.fetchOne(
                db, sql: "SELECT balance_micro_usd FROM credit_balances WHERE team = ?", arguments: [team]) ?? 0
        let (balance, overflow) = before.addingReportingOverflow(delta)
        guard !overflow else { throw StoreError.invalid("the change overflows the balance") }
        try db.execute(
            sql: """
                INSERT INTO credit_balances (team, balance_micro_usd, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (team) DO UPDATE SET balance_micro_usd = excluded.balance_micro_usd, updated_at = excluded.updated_at
                """,
            arguments: [team, balance, at.description])
        try db.execute(
            sql: """
                INSERT INTO credit_ledger (team, delta_micro_usd, balance_micro_usd, reason, actor, at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [team, delta, balance, reason, actor, at.description])
        return balance
    }
}
