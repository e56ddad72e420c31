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

    /// Request debits of one usage batch: each team's balance is read once and written once,
    /// with one ledger entry per request, all in the caller's transaction.
    struct Debits {
        private let db: Database
        private var balances: [String: (balance: Int64, at: Timestamp)] = [:]

        init(_ db: Database) {
            self.db = db
        }

        mutating func debit(team: String, amount: Int64, reason: String, at: Timestamp) throws {
            let before =
                try balances[team]?.balance
                ?? Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT balance_micro_usd FROM credit_balances WHERE team = ?"),
                    arguments: [team]) ?? 0
            let (balance, overflow) = before.subtractingReportingOverflow(amount)
            guard !overflow else { throw StoreError.invalid("the change overflows the balance") }
            balances[team] = (balance, at)
            try db.cachedStatement(
                sql: """
                    INSERT INTO credit_ledger (team, delta_micro_usd, balance_micro_usd, reason, actor, at)
                    VALUES (?, ?, ?, ?, 'gateway', ?)
                    """
            ).execute(arguments: [team, -amount, balance, reason, at.description])
        }

        /// Writes each debited team's new balance.
        func commit() throws {
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO credit_balances (team, balance_micro_usd, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (team) DO UPDATE SET balance_micro_usd = excluded.balance_micro_usd, updated_at = excluded.updated_at
                    """)
            for (team, entry) in balances {
                try upsert.execute(arguments: [team, entry.balance, entry.at.description])
            }
        }
    }
}
