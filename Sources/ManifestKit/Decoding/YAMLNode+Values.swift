import YAMLCore

/// Tolerant reads of collections: nil when the node is not of the shape. The validator has already
/// reported any mismatch, so decoding only builds values from what is right. (Scalars are read
/// with YAMLCore's `resolvedString`, `resolvedInt`, `resolvedNumber` and `resolvedBool`.)
extension YAMLNode {
    /// The string items of a list; nil when the node is not a list.
    var stringList: [String]? {
        sequence?.compactMap(\.resolvedString)
    }

    /// A string-to-string mapping; nil when the node is not a mapping.
    var stringMap: [String: String]? {
        guard let pairs = mapping else { return nil }
        var map: [String: String] = [:]
        for pair in pairs {
            if let key = pair.key.resolvedString, let value = pair.value.resolvedString { map[key] = value }
        }
        return map
    }
}
