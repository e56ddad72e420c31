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
        try each { kind, row in
            RecordCoding.add(try RecordCoding.resource(kind, row: row, decoder: decoder), to: &state)
        }
        return state
    }

    /// The state as the JSON of `GatewayState`, spliced from the stored rows.
    func json() throws -> [UInt8] {
        var writer = StateJSONWriter(
            revision: try Int64.fetchOne(db, sql: "SELECT revision FROM gateway_meta WHERE id = 1") ?? 0)
        try each { kind, row in writer.add(row, of: kind) }
        return writer.finish()
    }

    /// Every resource row, kind by kind in state order.
    private func each(_ body: (ResourceKind, StoredRow) throws -> Void) throws {
        for kind in StateJSONWriter.kinds {
            let table = ResourceTable.of(kind)
            let statement = try db.makeStatement(sql: "SELECT * FROM \(table.name) ORDER BY \(table.order)")
            let columns = try StoredColumns(statement)
            let rows = try Row.fetchCursor(statement)
            while let row = try rows.next() { try body(kind, StoredRow(row, columns)) }
        }
    }
}

extension SQLiteGatewayStore {
    /// The state as the JSON of `GatewayState`, written from the stored rows in one read transaction.
    public func stateJSON() async throws -> [UInt8] {
        try await pool.read { db in try StateReader(db: db).json() }
    }
}
