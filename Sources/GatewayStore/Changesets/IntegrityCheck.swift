import Foundation
import GRDB
import GatewayModel

/// After a changeset's writes, inside its transaction: does every reference still resolve?
///
/// Only what the changeset touched is checked, with point queries, so a 100k-key changeset
/// costs 100k indexed lookups and a small one costs a handful.
struct IntegrityCheck {
    let db: Database
    private var problems: [ChangeProblem] = []
    private var rulesCache: [RuleRecord]?

    init(db: Database) {
        self.db = db
    }

    mutating func run(_ changeset: Changeset) throws -> [ChangeProblem] {
        for operation in changeset.operations {
            let target = operation.target
            if operation.op == .delete {
                try checkDeleted(target)
                continue
            }
            if let record = operation.credential {
                try require(.team(record.team), for: target, "its team")
                try require(.provider(record.provider), for: target, "its provider")
            }
            if let record = operation.apiKey {
                try require(.team(record.team), for: target, "its team")
            }
            if let record = operation.team {
                for provider in record.providers ?? [] {
                    try require(.provider(provider), for: target, "provider allowlist entry")
                }
            }
            if let record = operation.rule {
                for team in record.match.teams ?? [] { try require(.team(team), for: target, "match.teams entry") }
                for key in record.match.keys ?? [] {
                    let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                    if parts.count == 2 {
                        try require(.apiKey(team: parts[0], name: parts[1]), for: target, "match.keys entry")
                    } else {
                        problems.append(
                            ChangeProblem(target: target, message: "match.keys entry '\(key)' is not team/key"))
                    }
                }
                if case .route(let providers, _) = record.action {
                    for provider in providers { try require(.provider(provider), for: target, "route provider") }
                }
            }
        }
        return problems
    }

    private func exists(_ ref: ResourceRef) throws -> Bool {
        let table = ResourceTable.of(ref.kind)
        let (condition, arguments) = table.selector(ref)
        return try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(table.name) WHERE \(condition))"),
            arguments: arguments) ?? false
    }

    private mutating func require(_ ref: ResourceRef, for target: ResourceRef, _ role: String) throws {
        if try !exists(ref) {
            problems.append(ChangeProblem(target: target, message: "\(role) \(ref) does not exist"))
        }
    }

    private mutating func rules() throws -> [RuleRecord] {
        if let rulesCache { return rulesCache }
        let decoder = JSONDecoder()
        let specs = try String.fetchAll(db, sql: "SELECT spec FROM rules")
        let rules = try specs.map { try decoder.decode(RuleRecord.self, from: Data($0.utf8)) }
        rulesCache = rules
        return rules
    }

    private mutating func checkDeleted(_ target: ResourceRef) throws {
        func still(_ what: String, _ names: [String]) {
            guard !names.isEmpty else { return }
            let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
            problems.append(
                ChangeProblem(
                    target: target,
                    message:
                        "cannot be deleted while \(names.count) \(what) still refer to it (\(shown)); delete or change them in the same changeset"
                ))
        }
        switch target.kind {
        case .team:
            still(
                "credentials",
                try String.fetchAll(db, sql: "SELECT name FROM credentials WHERE team = ?", arguments: [target.name]))
            still(
                "API keys",
                try String.fetchAll(db, sql: "SELECT name FROM api_keys WHERE team = ?", arguments: [target.name]))
            still("rules", try rules().filter { $0.match.teams?.contains(target.name) == true }.map(\.metadata.name))
        case .provider:
            still(
                "credentials",
                try String.fetchAll(
                    db, sql: "SELECT team || '/' || name FROM credentials WHERE provider = ?",
                    arguments: [target.name]))
            still(
                "teams",
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT teams.name FROM teams, json_each(teams.spec, '$.providers') AS entry WHERE entry.value = ?",
                    arguments: [target.name]))
            still(
                "rules",
                try rules().filter {
                    if case .route(let providers, _) = $0.action { return providers.contains(target.name) }
                    return false
                }.map(\.metadata.name))
        case .apiKey:
            let reference = "\(target.team ?? "")/\(target.name)"
            still("rules", try rules().filter { $0.match.keys?.contains(reference) == true }.map(\.metadata.name))
        case .policy, .credential, .rule:
            break
        }
    }
}
