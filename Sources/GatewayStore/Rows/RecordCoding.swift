import Foundation
import GatewayModel

/// Converts records to and from their stored form: canonical JSON settings plus columns.
///
/// The JSON holds only what a client may set; status, secret fingerprints, prefixes and
/// last-use times come from columns, so a client can never write them.
package enum RecordCoding {
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static func status(_ row: StoredRow) -> RecordStatus {
        RecordStatus(
            revision: row.revision, managedBy: row.managedBy,
            createdAt: Timestamp(rfc3339: row.createdAt) ?? Timestamp(seconds: 0),
            updatedAt: Timestamp(rfc3339: row.updatedAt) ?? Timestamp(seconds: 0))
    }

    static func fingerprint(_ row: StoredRow) -> SecretFingerprint? {
        guard let salt = row.secretSalt, let sha = row.secretSHA256 else { return nil }
        return SecretFingerprint(salt: salt, sha256: sha)
    }

    /// Decodes a stored row of `kind` into its record, with status and read-only fields filled in.
    package static func resource(_ kind: ResourceKind, row: StoredRow, decoder: JSONDecoder) throws -> StoredResource {
        var spec: Data { Data(row.spec.utf8) }
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
            var record = try TeamRecord.fastDecoded(row.spec) ?? decoder.decode(TeamRecord.self, from: spec)
            record.status = status(row)
            return .team(record)
        case .credential:
            var record =
                try CredentialRecord.fastDecoded(row.spec) ?? decoder.decode(CredentialRecord.self, from: spec)
            record.secret = fingerprint(row)
            record.status = status(row)
            return .credential(record)
        case .apiKey:
            var record = try APIKeyRecord.fastDecoded(row.spec) ?? decoder.decode(APIKeyRecord.self, from: spec)
            record.prefix = row.prefix
            record.lastUsedAt = row.lastUsedAt.flatMap(Timestamp.init(rfc3339:))
            let previous = PreviousSecretsColumn.entries(row.previousSecrets).map(\.secret)
            record.previousSecrets = previous.isEmpty ? nil : previous
            record.status = status(row)
            return .apiKey(record)
        case .rule:
            var record = try decoder.decode(RuleRecord.self, from: spec)
            record.status = status(row)
            return .rule(record)
        case .issuer:
            var record = try decoder.decode(IssuerRecord.self, from: spec)
            record.status = status(row)
            return .issuer(record)
        }
    }

    /// Appends every row of `kind` to the matching list of `state`.
    package static func add(_ resource: StoredResource, to state: inout GatewayState) {
        switch resource {
        case .provider(let record): state.providers.append(record)
        case .policy(let record): state.policy = record
        case .team(let record): state.teams.append(record)
        case .credential(let record): state.credentials.append(record)
        case .apiKey(let record): state.apiKeys.append(record)
        case .rule(let record): state.rules.append(record)
        case .issuer(let record): state.issuers.append(record)
        }
    }
}
