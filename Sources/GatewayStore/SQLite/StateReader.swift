import Foundation
import GRDB
import GatewayModel

/// Reads the whole described state inside one read transaction, so every record is of one revision.
struct StateReader {
    let db: Database

    func state() throws -> GatewayState {
        let decoder = JSONDecoder()
        var state = GatewayState()
        state.revision = try Int64.fetchOne(db, sql: "SELECT revision FROM gateway_meta WHERE id = 1") ?? 0
        try each(.provider, order: "name", decoder) { if case .provider(let r) = $0 { state.providers.append(r) } }
        try each(.policy, order: "name", decoder) { if case .policy(let r) = $0 { state.policy = r } }
        try each(.team, order: "name", decoder) { if case .team(let r) = $0 { state.teams.append(r) } }
        try each(.credential, order: "team, name", decoder) {
            if case .credential(let r) = $0 { state.credentials.append(r) }
        }
        try each(.apiKey, order: "team, name", decoder) { if case .apiKey(let r) = $0 { state.apiKeys.append(r) } }
        try each(.rule, order: "name", decoder) { if case .rule(let r) = $0 { state.rules.append(r) } }
        return state
    }

    private func each(
        _ kind: ResourceKind, order: String, _ decoder: JSONDecoder, _ body: (StoredResource) -> Void
    ) throws {
        let table = ResourceTable.of(kind)
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.name) ORDER BY \(order)")
        while let row = try rows.next() {
            body(try RecordCoding.resource(kind, row: row, decoder: decoder))
        }
    }
}
