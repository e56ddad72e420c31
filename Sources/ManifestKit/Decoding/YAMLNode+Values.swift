import YAMLCore

/// Tolerant typed reads: nil when the node is not of the type. The validator has already
/// reported any mismatch, so decoding only builds values from what is right.
extension YAMLNode {
    var stringValue: String? { resolvedString }

    var intValue: Int? { resolvedInt }

    var doubleValue: Double? { resolvedNumber }

    var boolValue: Bool? { resolvedBool }

    /// The string items of a list; nil when the node is not a list.
    var stringList: [String]? {
        sequence?.compactMap(\.stringValue)
    }

    /// A string-to-string mapping; nil when the node is not a mapping.
    var stringMap: [String: String]? {
        guard let pairs = mapping else { return nil }
        var map: [String: String] = [:]
        for pair in pairs {
            if let key = pair.key.stringValue, let value = pair.value.stringValue { map[key] = value }
        }
        return map
    }
}
