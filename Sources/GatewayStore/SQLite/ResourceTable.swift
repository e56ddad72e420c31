import GRDB
import GatewayModel

/// Where each kind of resource lives in SQLite.
struct ResourceTable {
    let name: String
    let teamScoped: Bool

    static func of(_ kind: ResourceKind) -> ResourceTable {
        switch kind {
        case .provider: return ResourceTable(name: "providers", teamScoped: false)
        case .policy: return ResourceTable(name: "policy", teamScoped: false)
        case .team: return ResourceTable(name: "teams", teamScoped: false)
        case .credential: return ResourceTable(name: "credentials", teamScoped: true)
        case .apiKey: return ResourceTable(name: "api_keys", teamScoped: true)
        case .rule: return ResourceTable(name: "rules", teamScoped: false)
        }
    }

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
