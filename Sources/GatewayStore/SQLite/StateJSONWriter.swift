import Foundation
import GRDB
import GatewayModel

/// Writes the whole state as the JSON of `GatewayState`, straight from the stored rows.
///
/// Each row's settings are already canonical JSON; this splices in the read-only fields
/// (status, fingerprints, prefixes) as text instead of decoding every record and encoding it
/// again, which for 110k resources is the difference between about 1 and 3 seconds.
struct StateJSONWriter {
    let db: Database

    func json() throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        let revision = try Int64.fetchOne(db, sql: "SELECT revision FROM gateway_meta WHERE id = 1") ?? 0
        append("{\"revision\":\(revision)", to: &out)
        try array("providers", table: "providers", order: "name", secret: true, into: &out)
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM policy LIMIT 1") {
            append(",\"policy\":", to: &out)
            record(row, secret: false, key: false, into: &out)
        }
        try array("teams", table: "teams", order: "name", secret: false, into: &out)
        try array("credentials", table: "credentials", order: "team, name", secret: true, into: &out)
        try array("apiKeys", table: "api_keys", order: "team, name", secret: false, key: true, into: &out)
        try array("rules", table: "rules", order: "name", secret: false, into: &out)
        append("}", to: &out)
        return out
    }

    private func array(
        _ name: String, table: String, order: String, secret: Bool, key: Bool = false, into out: inout [UInt8]
    ) throws {
        append(",\"\(name)\":[", to: &out)
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY \(order)")
        var first = true
        while let row = try rows.next() {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            record(row, secret: secret, key: key, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private func record(_ row: Row, secret: Bool, key: Bool, into out: inout [UInt8]) {
        let spec: String = row["spec"]
        let body = spec.utf8.dropLast()  // without its closing brace: the read-only fields go first
        let empty = body.last == UInt8(ascii: "{")
        out.append(contentsOf: body)
        var fields = ""
        if secret, let salt = row["secret_salt"] as String?, let sha = row["secret_sha256"] as String? {
            fields += ",\"secret\":{\"salt\":\(JSONText.quoted(salt)),\"sha256\":\(JSONText.quoted(sha))}"
        }
        if key {
            if let prefix = row["prefix"] as String? { fields += ",\"prefix\":\(JSONText.quoted(prefix))" }
            if let lastUsed = row["last_used_at"] as String? {
                fields += ",\"lastUsedAt\":\(JSONText.quoted(lastUsed))"
            }
        }
        let managedBy: String = row["managed_by"]
        let revision: Int64 = row["revision"]
        let createdAt: String = row["created_at"]
        let updatedAt: String = row["updated_at"]
        fields +=
            ",\"status\":{\"createdAt\":\(JSONText.quoted(createdAt)),\"managedBy\":\(JSONText.quoted(managedBy)),"
            + "\"revision\":\(revision),\"updatedAt\":\(JSONText.quoted(updatedAt))}}"
        out.append(contentsOf: (empty ? fields.dropFirst() : Substring(fields)).utf8)
    }

    private func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }
}

extension SQLiteGatewayStore {
    /// The state as the JSON of `GatewayState`, written from the stored rows in one read transaction.
    public func stateJSON() async throws -> [UInt8] {
        try await pool.read { db in try StateJSONWriter(db: db).json() }
    }
}
