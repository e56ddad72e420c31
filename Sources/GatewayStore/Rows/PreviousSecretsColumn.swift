import Foundation
import GatewayModel

/// The `previous_secrets` column of an API key: the secrets rotations replaced, each with the
/// hash it authenticates by, as JSON. Only the hash-free half (`PreviousSecret`) ever leaves the
/// store; the hashes go to the data plane through `apiKeyHashes()`.
package enum PreviousSecretsColumn {
    /// One replaced secret as stored.
    package struct Entry: Sendable, Hashable, Codable {
        package var hash: String
        package var prefix: String
        package var rotatedAt: Timestamp
        package var retiresAt: Timestamp

        package var secret: PreviousSecret {
            PreviousSecret(prefix: prefix, rotatedAt: rotatedAt, retiresAt: retiresAt)
        }
    }

    /// How long a retired secret is still recognised (answered `key_rotated`, not
    /// `invalid_api_key`), and how many replaced secrets a key remembers at most.
    package static let recognisedAfterRetirementSeconds: Int64 = 30 * 86_400
    package static let maxEntries = 5

    /// The entries of a column value, oldest first; an empty or unreadable column has none.
    package static func entries(_ column: String?) -> [Entry] {
        guard let column, !column.isEmpty else { return [] }
        return (try? JSONDecoder().decode([Entry].self, from: Data(column.utf8))) ?? []
    }

    /// The column after a rotation at `now` replaced the secret hashing to `hash`: the replaced
    /// secret retires `overlap` seconds from now, and entries retired long ago are forgotten.
    package static func rotated(
        _ column: String?, hash: String, prefix: String, now: Timestamp, overlap: Int64
    ) -> String {
        var kept = entries(column).filter {
            now.seconds - $0.retiresAt.seconds < recognisedAfterRetirementSeconds
        }
        kept.append(
            Entry(
                hash: hash, prefix: prefix, rotatedAt: now,
                retiresAt: Timestamp(
                    seconds: now.seconds + min(max(overlap, 0), GatewayPolicy.maxKeyRotationOverlapSeconds),
                    nanoseconds: now.nanoseconds)))
        kept = Array(kept.suffix(maxEntries))
        return String(decoding: (try? RecordCoding.encoder().encode(kept)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The hashes a column's secrets authenticate by, each marked as a previous secret of the key.
    package static func hashes(_ column: String?, team: String, name: String) -> [APIKeyHash] {
        entries(column).map { APIKeyHash(hash: $0.hash, team: team, name: name, previous: $0.secret) }
    }

    /// The state JSON's `previousSecrets` value for a column: the entries without their hashes.
    package static func publicJSON(_ column: String?) -> String? {
        let secrets = entries(column).map(\.secret)
        guard !secrets.isEmpty, let data = try? RecordCoding.encoder().encode(secrets) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
