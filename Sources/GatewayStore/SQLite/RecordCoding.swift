import Foundation
import GRDB
import GatewayModel

/// Converts records to and from their stored form: canonical JSON settings plus columns.
///
/// The JSON holds only what a client may set; status, secret fingerprints, prefixes and
/// last-use times come from columns, so a client can never write them.
enum RecordCoding {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// The stored JSON of a record's client-settable fields.
    static func spec<T: Encodable>(_ record: T) throws -> String {
        String(decoding: try encoder().encode(record), as: UTF8.self)
    }

    static func status(_ row: Row) -> RecordStatus {
        RecordStatus(
            revision: row["revision"],
            managedBy: row["managed_by"],
            createdAt: Timestamp(rfc3339: row["created_at"]) ?? Timestamp(seconds: 0),
            updatedAt: Timestamp(rfc3339: row["updated_at"]) ?? Timestamp(seconds: 0))
    }

    static func fingerprint(_ row: Row) -> SecretFingerprint? {
        guard let salt: String = row["secret_salt"], let sha: String = row["secret_sha256"] else { return nil }
        return SecretFingerprint(salt: salt, sha256: sha)
    }

    /// Decodes a stored row of `kind` into its record, with status and read-only fields filled in.
    static func resource(_ kind: ResourceKind, row: Row, decoder: JSONDecoder) throws -> StoredResource {
        let spec = Data((row["spec"] as String).utf8)
        switch kind {
        case .provider:
            var record = try decoder.decode(ProviderRecord.self, from: spec)
            record.secret = fingerprint(row)
            record.status = status(row)
            return .provider(record)
        case .policy:
            var record = try decoder.decode(PolicyRecord.self, from: spec)
            record.status = status(row)
            return .policy(record)
        case .team:
            var record = try decoder.decode(TeamRecord.self, from: spec)
            record.status = status(row)
            return .team(record)
        case .credential:
            var record = try decoder.decode(CredentialRecord.self, from: spec)
            record.secret = fingerprint(row)
            record.status = status(row)
            return .credential(record)
        case .apiKey:
            var record = try decoder.decode(APIKeyRecord.self, from: spec)
            record.prefix = row["prefix"]
            record.lastUsedAt = (row["last_used_at"] as String?).flatMap(Timestamp.init(rfc3339:))
            record.status = status(row)
            return .apiKey(record)
        case .rule:
            var record = try decoder.decode(RuleRecord.self, from: spec)
            record.status = status(row)
            return .rule(record)
        }
    }
}
