extension APIKeyRecord {
    /// Decodes a key's JSON (the stored settings, or the wire form with status) without
    /// `JSONDecoder`, which spends ~10 µs per record in Codable's keyed containers: a 100k-key
    /// state read was 1.2 s, most of it here. Answers nil for anything outside what the gateway
    /// writes; the caller then uses `JSONDecoder`, so both paths always agree (a test decodes
    /// the same JSON both ways).
    package static func fastDecoded(_ json: String) -> APIKeyRecord? {
        var json = json
        return json.withUTF8 { bytes in
            var reader = CanonicalJSONReader(bytes)
            guard let record = fastDecoded(&reader), reader.atEnd else { return nil }
            return record
        }
    }

    /// Reads one key object at the reader's position; nil when it needs the full decoder.
    package static func fastDecoded(_ reader: inout CanonicalJSONReader) -> APIKeyRecord? {
        var record = APIKeyRecord(team: "", name: "")
        var seen: UInt16 = 0
        let read = reader.object { reader, key in
            let bit = fields[key] ?? 0
            guard bit != 0, seen & bit == 0 else { return false }
            seen |= bit
            switch key {
            case "team": return reader.string().map { record.team = $0 } != nil
            case "name": return reader.string().map { record.name = $0 } != nil
            case "description": return reader.string().map { record.description = $0 } != nil
            case "expiresAt":
                return reader.string().flatMap(Timestamp.init(rfc3339:)).map { record.expiresAt = $0 } != nil
            case "models": return reader.strings().map { record.models = $0 } != nil
            case "rotation": return reader.integer().map { record.rotation = $0 } != nil
            case "budget": return budget(&reader).map { record.budget = $0 } != nil
            case "rateLimit": return rateLimit(&reader).map { record.rateLimit = $0 } != nil
            case "prefix": return reader.string().map { record.prefix = $0 } != nil
            case "lastUsedAt":
                return reader.string().flatMap(Timestamp.init(rfc3339:)).map { record.lastUsedAt = $0 } != nil
            case "status": return status(&reader).map { record.status = $0 } != nil
            default: return false
            }
        }
        guard read, seen & required == required else { return nil }
        return record
    }

    /// One bit per field, to refuse a repeated key; team, name and rotation are required.
    private static let fields: [String: UInt16] = [
        "team": 1, "name": 2, "rotation": 4, "description": 8, "expiresAt": 16, "models": 32, "budget": 64,
        "rateLimit": 128, "prefix": 256, "lastUsedAt": 512, "status": 1024,
    ]
    private static let required: UInt16 = 1 | 2 | 4

    private static func budget(_ reader: inout CanonicalJSONReader) -> Budget? {
        var limit: Double?
        var period: BudgetPeriod?
        let read = reader.object { reader, key in
            switch key {
            case "limitUSD" where limit == nil: return reader.double().map { limit = $0 } != nil
            case "period" where period == nil:
                return reader.string().flatMap(BudgetPeriod.init(rawValue:)).map { period = $0 } != nil
            default: return false
            }
        }
        guard read, let limit, let period else { return nil }
        return Budget(limitUSD: limit, period: period)
    }

    private static func status(_ reader: inout CanonicalJSONReader) -> RecordStatus? {
        var revision: Int?
        var managedBy: String?
        var createdAt: Timestamp?
        var updatedAt: Timestamp?
        let read = reader.object { reader, key in
            switch key {
            case "revision" where revision == nil: return reader.integer().map { revision = $0 } != nil
            case "managedBy" where managedBy == nil: return reader.string().map { managedBy = $0 } != nil
            case "createdAt" where createdAt == nil:
                return reader.string().flatMap(Timestamp.init(rfc3339:)).map { createdAt = $0 } != nil
            case "updatedAt" where updatedAt == nil:
                return reader.string().flatMap(Timestamp.init(rfc3339:)).map { updatedAt = $0 } != nil
            default: return false
            }
        }
        guard read, let revision, let managedBy, let createdAt, let updatedAt else { return nil }
        return RecordStatus(revision: Int64(revision), managedBy: managedBy, createdAt: createdAt, updatedAt: updatedAt)
    }

    private static func rateLimit(_ reader: inout CanonicalJSONReader) -> RateLimit? {
        var limit = RateLimit()
        var seen = (requests: false, tokens: false)
        let read = reader.object { reader, key in
            switch key {
            case "requestsPerMinute" where !seen.requests:
                seen.requests = true
                return reader.integer().map { limit.requestsPerMinute = $0 } != nil
            case "tokensPerMinute" where !seen.tokens:
                seen.tokens = true
                return reader.integer().map { limit.tokensPerMinute = $0 } != nil
            default: return false
            }
        }
        return read ? limit : nil
    }
}
