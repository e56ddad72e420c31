/// The parts several records share (budgets, rate limits, status), for the fast record decoders.
extension CanonicalJSONReader {
    /// Reads `json` whole with `read`; nil when `read` declines or text is left after its value.
    package static func whole<Value>(_ json: String, _ read: (inout CanonicalJSONReader) -> Value?) -> Value? {
        var json = json
        return json.withUTF8 { bytes in
            var reader = CanonicalJSONReader(bytes)
            guard let value = read(&reader), reader.atEnd else { return nil }
            return value
        }
    }

    package mutating func budget() -> Budget? {
        var limit: Double?
        var period: BudgetPeriod?
        let read = object { reader, key in
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

    package mutating func recordStatus() -> RecordStatus? {
        var revision: Int?
        var managedBy: String?
        var createdAt: Timestamp?
        var updatedAt: Timestamp?
        let read = object { reader, key in
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

    package mutating func rateLimit() -> RateLimit? {
        var limit = RateLimit()
        var seen = (requests: false, tokens: false)
        let read = object { reader, key in
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

    /// `{"name": …, "labels": {…}, "protected": …}`; every field is required, as the encoder writes them all.
    package mutating func metadata() -> ResourceMetadata? {
        var name: String?
        var labels: [String: String]?
        var protected: Bool?
        let read = object { reader, key in
            switch key {
            case "name" where name == nil: return reader.string().map { name = $0 } != nil
            case "labels" where labels == nil: return reader.stringMap().map { labels = $0 } != nil
            case "protected" where protected == nil: return reader.bool().map { protected = $0 } != nil
            default: return false
            }
        }
        guard read, let name, let labels, let protected else { return nil }
        return ResourceMetadata(name: name, labels: labels, protected: protected)
    }
}
