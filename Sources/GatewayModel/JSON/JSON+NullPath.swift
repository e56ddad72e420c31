extension JSON {
    /// Where the first `null` lies, depth first in document order, as a path from the root
    /// (`changes[2].team.description`; `$` for the document itself); nil when there is none.
    ///
    /// Swift's decoders read `null` as "absent" for optional fields, so a strict API that allows
    /// no nulls asks this before decoding, and names the place in its refusal.
    public func firstNullPath() -> String? {
        firstNull(under: "")
    }

    private func firstNull(under path: String) -> String? {
        switch self {
        case .null:
            return path.isEmpty ? "$" : path
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = item.firstNull(under: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let object):
            for (key, value) in object {
                if let found = value.firstNull(under: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
            return nil
        case .bool, .number, .string:
            return nil
        }
    }
}
