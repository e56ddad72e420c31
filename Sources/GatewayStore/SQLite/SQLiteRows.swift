import Foundation
import GRDB
import GatewayModel

extension StoredRow {
    /// The row as SQLite returned it (`SELECT *` of a resource table).
    init(_ row: Row) {
        self.init(
            spec: row["spec"], managedBy: row["managed_by"], revision: row["revision"], createdAt: row["created_at"],
            updatedAt: row["updated_at"], secretSalt: row["secret_salt"], secretSHA256: row["secret_sha256"],
            keyHash: row["key_hash"], prefix: row["prefix"], lastUsedAt: row["last_used_at"])
    }
}

extension ResourceTable {
    /// `WHERE` clause and arguments selecting `ref`'s row.
    func selector(_ ref: ResourceRef) -> (String, StatementArguments) {
        if teamScoped { return ("team = ? AND name = ?", [ref.team ?? "", ref.name]) }
        return ("name = ?", [ref.name])
    }

    /// The row of `ref`, or nil.
    func row(_ ref: ResourceRef, in db: Database) throws -> Row? {
        let (condition, arguments) = selector(ref)
        return try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM \(name) WHERE \(condition)"), arguments: arguments)
    }
}

/// The integrity check's questions, answered with point queries inside the changeset's transaction.
struct SQLiteReferenceFacts: ReferenceFacts {
    let db: Database
    private var rulesCache: [RuleRecord]?

    init(db: Database) {
        self.db = db
    }

    func exists(_ ref: ResourceRef) throws -> Bool {
        let table = ResourceTable.of(ref.kind)
        let (condition, arguments) = table.selector(ref)
        return try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(table.name) WHERE \(condition))"),
            arguments: arguments) ?? false
    }

    func credentials(ofTeam team: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM credentials WHERE team = ?", arguments: [team])
    }

    func apiKeys(ofTeam team: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM api_keys WHERE team = ?", arguments: [team])
    }

    func credentials(usingProvider provider: String) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT team || '/' || name FROM credentials WHERE provider = ?", arguments: [provider])
    }

    func teams(allowingProvider provider: String) throws -> [String] {
        try String.fetchAll(
            db,
            sql: "SELECT teams.name FROM teams, json_each(teams.spec, '$.providers') AS entry WHERE entry.value = ?",
            arguments: [provider])
    }

    mutating func rules() throws -> [RuleRecord] {
        if let rulesCache { return rulesCache }
        let decoder = JSONDecoder()
        let rules = try String.fetchAll(db, sql: "SELECT spec FROM rules").map {
            try decoder.decode(RuleRecord.self, from: Data($0.utf8))
        }
        rulesCache = rules
        return rules
    }
}
