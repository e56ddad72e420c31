import YAMLCore

/// How a patch document merges into the document it patches: mappings merge key by key, a
/// `null` value removes its key, lists of named items (`keys`, `byok`, a provider's `models`:
/// every item a mapping with a `name` or an `id`) merge item by item, an item marked
/// `$patch: delete` removes its namesake, and every other value replaces the base's.
struct OverlayMerge {
    /// The keys that name a list item, in the order they are looked for.
    static let identityKeys = ["name", "id"]
    /// The key of a list item that removes the base item it names (`$patch: delete`).
    static let directive = "$patch"

    /// Locates a node of either document, for diagnostics.
    let locate: (Mark) -> SourceLocation
    private(set) var diagnostics: [Diagnostic] = []

    init(locate: @escaping (Mark) -> SourceLocation) {
        self.locate = locate
    }

    /// The patch document `patch` merged into the document `base`; the patch's envelope
    /// (`apiVersion`, `kind`, `metadata.name`, `patch`) is the base's.
    mutating func document(_ base: YAMLNode, _ patch: YAMLNode) -> YAMLNode {
        let body = (patch.mapping ?? []).filter { !["apiVersion", "kind", "patch"].contains($0.key.scalar?.text) }
        return merge(base, YAMLNode(content: .mapping(body), mark: patch.mark))
    }

    private mutating func merge(_ base: YAMLNode, _ patch: YAMLNode) -> YAMLNode {
        switch (base.content, patch.content) {
        case (.mapping(let old), .mapping(let new)):
            var pairs = old
            for pair in new {
                let key = pair.key.scalar?.text
                let existing = pairs.firstIndex { $0.key.scalar?.text == key }
                if pair.value.isNull {
                    if let existing { pairs.remove(at: existing) }
                } else if let existing {
                    pairs[existing].value = merge(pairs[existing].value, pair.value)
                } else {
                    pairs.append(pair)
                }
            }
            return YAMLNode(content: .mapping(pairs), mark: base.mark, tag: base.tag)
        case (.sequence(let old), .sequence(let new)):
            guard let identity = Self.identity(of: old + new) else { return patch }
            var items = old
            for item in new {
                let name = item[identity]?.scalar?.text
                let existing = items.firstIndex { $0[identity]?.scalar?.text == name }
                let delete = item[Self.directive]
                if let delete {
                    guard delete.scalar?.text == "delete" else {
                        diagnostics.append(
                            .error(
                                .invalidValue, at: locate(delete.mark),
                                "\(Self.directive): the only directive is 'delete', found \(delete.kindDescription)"))
                        continue
                    }
                    guard let existing else {
                        diagnostics.append(
                            .error(
                                .overlayTargetMissing, at: locate(item.mark),
                                "\(Self.directive): delete removes the item whose \(identity) is '\(name ?? "")', but the base has none"
                            ))
                        continue
                    }
                    items.remove(at: existing)
                } else if let existing {
                    items[existing] = merge(items[existing], item)
                } else {
                    items.append(item)
                }
            }
            return YAMLNode(content: .sequence(items), mark: base.mark, tag: base.tag)
        default:
            return patch
        }
    }

    /// The key naming every item of `items`, when all are mappings that have it.
    private static func identity(of items: [YAMLNode]) -> String? {
        guard !items.isEmpty else { return nil }
        return identityKeys.first { key in items.allSatisfy { $0[key]?.scalar != nil } }
    }
}

extension YAMLNode {
    /// Whether the node is a plain `null` (or `~`, or empty): in a patch, it removes its key.
    var isNull: Bool {
        if case .null? = resolved { return true }
        return false
    }
}
