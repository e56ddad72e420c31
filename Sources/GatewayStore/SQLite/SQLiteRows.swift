import Foundation
import GRDB
import GatewayModel

extension StoredRow {
    /// The row as SQLite returned it (`SELECT *` of a resource table).
    init(_ row: Row) {
        self.init(
            spec: row["spec"], managedBy: row["managed_by"], revision: row["revision"], createdAt: row["created_at"],
            updatedAt: row["updated_at"], secretSalt: row["secret_salt"], secretSHA256: row["secret_sha256"],
            keyHash: row["key_hash"], prefix: row["prefix"], lastUsedAt: row["last_used_at"],
            previousSecrets: row["previous_secrets"])
    }

    /// A row of a whole-table read, its columns found by position.
    init(_ row: Row, _ columns: StoredColumns) {
        func optional(_ index: Int?) -> String? { index.flatMap { row[$0] as String? } }
        self.init(
            spec: row[columns.spec], managedBy: row[columns.managedBy], revision: row[columns.revision],
            createdAt: row[columns.createdAt], updatedAt: row[columns.updatedAt],
            secretSalt: optional(columns.secretSalt), secretSHA256: optional(columns.secretSHA256),
            keyHash: optional(columns.keyHash), prefix: optional(columns.prefix),
            lastUsedAt: optional(columns.lastUsedAt), previousSecrets: optional(columns.previousSecrets))
    }
}

/// Where each stored column is in a resource table's `SELECT *`: found once per table. Finding a
/// column by name lowercases and hashes the name, ten times per row, a fifth of reading 100k keys.
struct StoredColumns {
    let spec: Int
    let managedBy: Int
    let revision: Int
    let createdAt: Int
    let updatedAt: Int
    let secretSalt: Int?
    let secretSHA256: Int?
    let keyHash: Int?
    let prefix: Int?
    let lastUsedAt: Int?
    let previousSecrets: Int?

    init(_ statement: Statement) throws {
        let names = statement.columnNames
        func index(_ name: String) -> Int? { names.firstIndex(of: name) }
        func required(_ name: String) throws -> Int {
            guard let position = index(name) else { throw StoreError.invalid("the state has no column \(name)") }
            return position
        }
        spec = try required("spec")
        managedBy = try required("managed_by")
        revision = try required("revision")
        createdAt = try required("created_at")
        updatedAt = try required("updated_at")
        secretSalt = index("secret_salt")
        secretSHA256 = index("secret_sha256")
        keyHash = index("key_hash")
        prefix = index("prefix")
        lastUsedAt = index("last_used_at")
        previousSecrets = index("previous_secrets")
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
    private var issuersCache: [IssuerRecord]?

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

    mutating func issuers() throws -> [IssuerRecord] {
        if let issuersCache { return issuersCache }
        let decoder = JSONDecoder()
        let issuers = try String.fetchAll(db, sql: "SELECT spec FROM issuers").map {
            try decoder.decode(IssuerRecord.self, from: Data($0.utf8))
        }
        issuersCache = issuers
        return issuers
    }
}
