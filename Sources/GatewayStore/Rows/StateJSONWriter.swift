import GatewayModel

/// Writes the whole state as the JSON of `GatewayState`, straight from stored rows.
///
/// Each row's settings are already canonical JSON; this splices in the read-only fields
/// (status, fingerprints, prefixes) as text instead of decoding every record and encoding it
/// again, which for 110k resources is the difference between about 1 and 3 seconds. Backends
/// feed it rows in state order, kind by kind (`kinds`), from one read transaction.
package struct StateJSONWriter {
    /// The order the kinds appear in, as `GatewayState` encodes them.
    package static let kinds: [ResourceKind] = [
        .provider, .policy, .team, .credential, .apiKey, .rule, .issuer,
    ]

    private var out: [UInt8] = []
    /// The kind whose array is open, and how many kinds (in `kinds` order) were begun.
    private var open: ResourceKind?
    private var begun = 0
    private var first = true

    package init(revision: Int64) {
        out.reserveCapacity(1 << 20)
        append("{\"revision\":\(revision)")
    }

    /// Adds one row of `kind`; rows must come kind by kind in `kinds` order, each in state order.
    package mutating func add(_ row: StoredRow, of kind: ResourceKind) {
        if open != kind { begin(kind) }
        if kind == .policy {
            append(",\"policy\":")
        } else if !first {
            out.append(UInt8(ascii: ","))
        }
        first = false
        record(row, kind: kind)
    }

    /// The finished JSON; kinds without rows are written as empty arrays.
    package mutating func finish() -> [UInt8] {
        closeOpenArray()
        while begun < Self.kinds.count { emptyArray(Self.kinds[begun]) }
        append("}")
        return out
    }

    /// Closes the open array, writes empty arrays for kinds skipped before `kind`, then opens `kind`.
    private mutating func begin(_ kind: ResourceKind) {
        closeOpenArray()
        while begun < Self.kinds.count, Self.kinds[begun] != kind { emptyArray(Self.kinds[begun]) }
        begun += 1
        open = kind
        first = true
        if kind != .policy { append(",\"\(Self.field(kind))\":[") }
    }

    private mutating func emptyArray(_ kind: ResourceKind) {
        if kind != .policy { append(",\"\(Self.field(kind))\":[]") }
        begun += 1
    }

    private mutating func closeOpenArray() {
        if let open, open != .policy { out.append(UInt8(ascii: "]")) }
        open = nil
    }

    private static func field(_ kind: ResourceKind) -> String {
        switch kind {
        case .provider: return "providers"
        case .policy: return "policy"
        case .team: return "teams"
        case .credential: return "credentials"
        case .apiKey: return "apiKeys"
        case .rule: return "rules"
        case .issuer: return "issuers"
        }
    }

    private mutating func record(_ row: StoredRow, kind: ResourceKind) {
        let body = row.spec.utf8.dropLast()  // without its closing brace: the read-only fields go first
        let empty = body.last == UInt8(ascii: "{")
        out.append(contentsOf: body)
        var fields = ""
        if kind == .provider || kind == .credential, let salt = row.secretSalt, let sha = row.secretSHA256 {
            fields += ",\"secret\":{\"salt\":\(JSONText.quoted(salt)),\"sha256\":\(JSONText.quoted(sha))}"
        }
        if kind == .apiKey {
            if let prefix = row.prefix { fields += ",\"prefix\":\(JSONText.quoted(prefix))" }
            if let lastUsed = row.lastUsedAt { fields += ",\"lastUsedAt\":\(JSONText.quoted(lastUsed))" }
            if row.previousSecrets != nil, let previous = PreviousSecretsColumn.publicJSON(row.previousSecrets) {
                fields += ",\"previousSecrets\":" + previous
            }
        }
        fields +=
            ",\"status\":{\"createdAt\":\(JSONText.quoted(row.createdAt)),\"managedBy\":\(JSONText.quoted(row.managedBy)),"
            + "\"revision\":\(row.revision),\"updatedAt\":\(JSONText.quoted(row.updatedAt))}}"
        out.append(contentsOf: (empty ? fields.dropFirst() : Substring(fields)).utf8)
    }

    private mutating func append(_ text: String) {
        out.append(contentsOf: text.utf8)
    }
}
