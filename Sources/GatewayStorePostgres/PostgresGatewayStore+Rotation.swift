import Foundation
import GatewayModel
import GatewayStore
import PostgresNIO

extension PostgresGatewayStore {
    /// Re-encrypts every secret not sealed under the keyring's current key, in one transaction.
    /// Returns how many secrets were resealed. The keyring must hold the new key (current) and every old one.
    public func resealSecrets() async throws -> Int {
        let secrets = self.secrets
        let logger = self.logger
        return try await transaction { connection in
            // Changesets wait while secrets move, so none is sealed under the old key meanwhile.
            _ = try await PostgresGatewayStore.lockRevision(on: connection, logger: logger)
            var count = 0
            for kind in [ResourceKind.provider, .credential] {
                let table = ResourceTable.of(kind)
                let team = kind.isTeamScoped ? "team" : "''::text"
                var rows: [(ResourceRef, SealedSecret)] = []
                let query = try await connection.query(
                    """
                    SELECT \(unescaped: team), name, secret_key_id, secret_sealed FROM \(unescaped: table.name)
                    WHERE secret_key_id IS NOT NULL AND secret_key_id <> \(secrets.keyring.current.id)
                    """, logger: logger)
                for try await (teamName, name, keyID, sealed) in query.decode((String, String, String, Data).self) {
                    let ref = ResourceRef(kind: kind, name: name, team: kind.isTeamScoped ? teamName : nil)
                    rows.append((ref, SealedSecret(keyID: keyID, combined: sealed)))
                }
                for (ref, sealed) in rows {
                    let context = ResourceTable.secretContext(ref)
                    let resealed = try secrets.seal(try secrets.open(sealed, boundTo: context), boundTo: context)
                    var binds = PostgresBindings()
                    binds.append(resealed.keyID)
                    try binds.append(resealed.combined)
                    let condition = PostgresRows.condition(ref, binds: &binds)
                    try await connection.query(
                        PostgresQuery(
                            unsafeSQL:
                                "UPDATE \(table.name) SET secret_key_id = $1, secret_sealed = $2 WHERE \(condition)",
                            binds: binds), logger: logger)
                    count += 1
                }
            }
            // Changeset answers kept for retries are not resealed (rare, and they expire within a day).
            try await connection.query(
                "DELETE FROM changeset_replays WHERE key_id <> \(secrets.keyring.current.id)", logger: logger)
            return count
        }
    }
}
