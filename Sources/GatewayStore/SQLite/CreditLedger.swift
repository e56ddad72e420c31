import GRDB
import GatewayModel

/// Moves team credit balances and records why, inside the caller's transaction: the one place
/// grants and request debits change money.
///
/// Each team's balance is read once and written once (`commit`), however many adjustments a
/// batch of usage makes, with one ledger entry per adjustment.
struct CreditLedger {
    private let db: Database
    private var balances: [String: (balance: Int64, at: Timestamp)] = [:]

    init(_ db: Database) {
        self.db = db
    }

    /// Adds `delta` (negative to debit) to `team`'s balance and appends a ledger entry; returns the new balance.
    mutating func adjust(team: String, delta: Int64, reason: String?, actor: String, at: Timestamp) throws -> Int64 {
        let before =
            try balances[team]?.balance
            ?? Int64.fetchOne(
                db.cachedStatement(sql: "SELECT balance_micro_usd FROM credit_balances WHERE team = ?"),
                arguments: [team]) ?? 0
        let (balance, overflow) = before.addingReportingOverflow(delta)
        guard !overflow else { throw StoreError.invalid("the change overflows the balance") }
        balances[team] = (balance, at)
        try db.cachedStatement(
            sql: """
                INSERT INTO credit_ledger (team, delta_micro_usd, balance_micro_usd, reason, actor, at)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [team, delta, balance, reason, actor, at.description])
        return balance
    }

    /// Writes each adjusted team's new balance.
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

    /// One adjustment, written at once: a grant.
    static func adjust(
        _ db: Database, team: String, delta: Int64, reason: String?, actor: String, at: Timestamp
    ) throws -> Int64 {
        var ledger = CreditLedger(db)
        let balance = try ledger.adjust(team: team, delta: delta, reason: reason, actor: actor, at: at)
        try ledger.commit()
        return balance
    }
}
