extension APIKeyRecord {
    /// Decodes a key's JSON (the stored settings, or the wire form with status) without
    /// `JSONDecoder`, which spends ~10 µs per record in Codable's keyed containers: a 100k-key
    /// state read was 1.2 s, most of it here. Answers nil for anything outside what the gateway
    /// writes; the caller then uses `JSONDecoder`, so both paths always agree (a test decodes
    /// the same JSON both ways).
    package static func fastDecoded(_ json: String) -> APIKeyRecord? {
        CanonicalJSONReader.whole(json) { fastDecoded(&$0) }
    }

    /// Reads one key object at the reader's position; nil when it needs the full decoder.
    package static func fastDecoded(_ reader: inout CanonicalJSONReader) -> APIKeyRecord? {
        var record = APIKeyRecord(team: "", name: "")
        let read = reader.object(fields: fields, required: required) { reader, key in
            switch key {
            case "team": return reader.string().map { record.team = $0 } != nil
            case "name": return reader.string().map { record.name = $0 } != nil
            case "description": return reader.string().map { record.description = $0 } != nil
            case "expiresAt":
                return reader.string().flatMap(Timestamp.init(rfc3339:)).map { record.expiresAt = $0 } != nil
            case "models": return reader.strings().map { record.models = $0 } != nil
            case "rotation": return reader.integer().map { record.rotation = $0 } != nil
            case "rotationOverlapSeconds":
                return reader.integer().map { record.rotationOverlapSeconds = Int64($0) } != nil
            case "budget": return reader.budget().map { record.budget = $0 } != nil
            case "rateLimit": return reader.rateLimit().map { record.rateLimit = $0 } != nil
            case "prefix": return reader.string().map { record.prefix = $0 } != nil
            case "lastUsedAt":
                return reader.string().flatMap(Timestamp.init(rfc3339:)).map { record.lastUsedAt = $0 } != nil
            case "status": return reader.recordStatus().map { record.status = $0 } != nil
            default: return false
            }
        }
        return read ? record : nil
    }

    /// One bit per field, to refuse a repeated key; team, name and rotation are required.
    private static let fields: [String: UInt16] = [
        "team": 1, "name": 2, "rotation": 4, "description": 8, "expiresAt": 16, "models": 32, "budget": 64,
        "rateLimit": 128, "prefix": 256, "lastUsedAt": 512, "status": 1024, "rotationOverlapSeconds": 2048,
    ]
    private static let required: UInt16 = 1 | 2 | 4
}
