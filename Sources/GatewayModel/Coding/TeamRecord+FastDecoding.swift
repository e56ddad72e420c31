extension TeamRecord {
    /// Decodes a team's JSON (the stored settings, or the wire form with status) without
    /// `JSONDecoder`, as `APIKeyRecord.fastDecoded` does for keys: nil for anything outside what
    /// the gateway writes, and the caller then uses `JSONDecoder`.
    package static func fastDecoded(_ json: String) -> TeamRecord? {
        CanonicalJSONReader.whole(json) { fastDecoded(&$0) }
    }

    /// Reads one team object at the reader's position; nil when it needs the full decoder.
    package static func fastDecoded(_ reader: inout CanonicalJSONReader) -> TeamRecord? {
        var record = TeamRecord(metadata: ResourceMetadata(name: ""))
        let read = reader.object(fields: fields, required: required) { reader, key in
            switch key {
            case "metadata": return reader.metadata().map { record.metadata = $0 } != nil
            case "displayName": return reader.string().map { record.displayName = $0 } != nil
            case "tier": return reader.string().flatMap(Tier.init(rawValue:)).map { record.tier = $0 } != nil
            case "suspension":
                var reason: String?
                let read = reader.object { reader, key in
                    guard key == "reason", reason == nil else { return false }
                    return reader.string().map { reason = $0 } != nil
                }
                guard read, let reason else { return false }
                record.suspension = Suspension(reason: reason)
                return true
            case "dataRetention":
                return reader.string().flatMap(DataRetention.init(rawValue:)).map { record.dataRetention = $0 } != nil
            case "providers": return reader.strings().map { record.providers = $0 } != nil
            case "models": return reader.strings().map { record.models = $0 } != nil
            case "budget": return reader.budget().map { record.budget = $0 } != nil
            case "rateLimit": return reader.rateLimit().map { record.rateLimit = $0 } != nil
            case "status": return reader.recordStatus().map { record.status = $0 } != nil
            default: return false
            }
        }
        return read ? record : nil
    }

    /// One bit per field, to refuse a repeated key; metadata and tier are required.
    private static let fields: [String: UInt16] = [
        "metadata": 1, "tier": 2, "displayName": 4, "suspension": 8, "dataRetention": 16, "providers": 32,
        "models": 64, "budget": 128, "rateLimit": 256, "status": 512,
    ]
    private static let required: UInt16 = 1 | 2
}

extension CredentialRecord {
    /// Decodes a BYOK credential's stored JSON without `JSONDecoder`; nil for anything else
    /// (including a secret fingerprint, which the store keeps in columns of its own).
    package static func fastDecoded(_ json: String) -> CredentialRecord? {
        CanonicalJSONReader.whole(json) { reader in
            var record = CredentialRecord(team: "", name: "", provider: "")
            let read = reader.object(fields: fields, required: required) { reader, key in
                switch key {
                case "team": return reader.string().map { record.team = $0 } != nil
                case "name": return reader.string().map { record.name = $0 } != nil
                case "provider": return reader.string().map { record.provider = $0 } != nil
                case "options": return reader.stringMap().map { record.options = $0 } != nil
                case "status": return reader.recordStatus().map { record.status = $0 } != nil
                default: return false
                }
            }
            return read ? record : nil
        }
    }

    /// One bit per field; all but status are required (the encoder writes empty options too).
    private static let fields: [String: UInt16] = ["team": 1, "name": 2, "provider": 4, "options": 8, "status": 16]
    private static let required: UInt16 = 1 | 2 | 4 | 8
}
