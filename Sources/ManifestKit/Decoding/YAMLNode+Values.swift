import YAMLCore

/// Tolerant typed reads: nil when the node is not of the type. The validator has already
/// reported any mismatch, so decoding only builds values from what is right.
extension YAMLNode {
    var stringValue: String? {
        if case .string(let text)? = resolved { return text }
        return nil
    }

    var intValue: Int? {
        if case .int(let value)? = resolved { return value }
        return nil
    }

    var doubleValue: Double? {
        switch resolved {
        case .int(let value)?: return Double(value)
        case .float(let value)? where value.isFinite: return value
        default: return nil
        }
    }

    var boolValue: Bool? {
        if case .bool(let value)? = resolved { return value }
        return nil
    }

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
