import Foundation
import GRDB
import GatewayCrypto
import GatewayModel

extension SQLiteGatewayStore {
    /// Re-encrypts every secret not sealed under the keyring's current key, in one transaction.
    /// Returns how many secrets were resealed. The store must have been opened with a keyring that
    /// holds both the new key (current) and every old one.
    public func resealSecrets() async throws -> Int {
        let secrets = self.secrets
        return try await pool.write { db in
            var count = 0
            for (table, kind) in [("providers", ResourceKind.provider), ("credentials", .credential)] {
                let rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM \(table) WHERE secret_key_id IS NOT NULL AND secret_key_id != ?",
                    arguments: [secrets.keyring.current.id])
                for row in rows {
                    let ref = ResourceRef(kind: kind, name: row["name"], team: kind.isTeamScoped ? row["team"] : nil)
                    let context = ResourceTable.secretContext(ref)
                    let plaintext = try secrets.open(
                        SealedSecret(keyID: row["secret_key_id"], combined: row["secret_sealed"]), boundTo: context)
                    let sealed = try secrets.seal(plaintext, boundTo: context)
                    let (condition, arguments) = ResourceTable.of(kind).selector(ref)
                    try db.execute(
                        sql: "UPDATE \(table) SET secret_key_id = ?, secret_sealed = ? WHERE \(condition)",
                        arguments: [sealed.keyID, sealed.combined] + arguments)
                    count += 1
                }
            }
            // Changeset answers kept for retries are not resealed: a retry across a rotation is rare,
            // and the answers expire within a day anyway.
            try db.execute(
                sql: "DELETE FROM changeset_replays WHERE key_id != ?", arguments: [secrets.keyring.current.id])
            return count
        }
    }

    /// The plaintext of a provider's system secret or a credential's secret, for the data plane.
    public func secret(of ref: ResourceRef) async throws -> String? {
        let secrets = self.secrets
        return try await pool.read { db in
            guard let row = try ResourceTable.of(ref.kind).row(ref, in: db),
                let keyID = row["secret_key_id"] as String?, let combined = row["secret_sealed"] as Data?
            else { return nil }
            return try secrets.open(
                SealedSecret(keyID: keyID, combined: combined), boundTo: ResourceTable.secretContext(ref))
        }
    }
}
