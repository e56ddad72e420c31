import GatewayModel
import YAMLCore

/// Checks a document's nodes against a `Shape`, collecting every problem rather than stopping at the first.
struct ShapeValidator {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    private var path = FieldPath()

    init(file: String) {
        self.file = file
    }

    /// Validates `node` as the value of the field `name` whose key sits at `keyMark`.
    mutating func validate(_ node: YAMLNode, against shape: Shape, field name: String, keyMark: Mark) {
        path.push(.field(name))
        check(node, shape, keyMark: keyMark)
        path.pop()
    }

    /// Validates the fields of an object shape directly at the document root.
    mutating func validateRoot(_ node: YAMLNode, against object: ObjectShape) {
        checkObject(node, object, keyMark: node.mark)
    }

    private func location(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, mark: mark) }

    private mutating func error(_ code: DiagnosticCode, _ mark: Mark, _ message: String, notes: [Diagnostic.Note] = [])
    {
        diagnostics.append(.error(code, at: location(mark), "\(path.rendered): \(message)", notes: notes))
    }

    private mutating func check(_ node: YAMLNode, _ shape: Shape, keyMark: Mark) {
        if let tag = node.tag, !ScalarResolver.knownTags.contains(tag) {
            error(.unsupportedTag, node.mark, "unsupported tag '\(tag)'; manifests use plain YAML values")
            return
        }
        switch shape {
        case .string(let format):
            guard let text = node.resolvedString else {
                return wrongType(node, expected: "a string")
            }
            guard format.accepts(text) else {
                let code: DiagnosticCode
                switch format {
                case .resourceName, .keyReference: code = .invalidName
                case .dateTime: code = .invalidTimestamp
                default: code = .invalidValue
                }
                guard !text.isEmpty else { return error(code, node.mark, "must not be empty") }
                return error(code, node.mark, "'\(format.redacted(text))' is not \(format.explanation)")
            }
        case .enumeration(let values):
            guard let text = node.resolvedString, values.contains(text) else {
                let found = node.scalar.map { "'\($0.text)'" } ?? node.kindDescription
                let hint = node.scalar.map { DidYouMean.hint(for: $0.text, among: values) } ?? ""
                return error(
                    .invalidValue, node.mark, "\(found) is not one of \(values.joined(separator: ", "))\(hint)")
            }
        case .constant(let value):
            guard let text = node.resolvedString, text == value else {
                let found = node.scalar.map { "'\($0.text)'" } ?? node.kindDescription
                return error(.invalidValue, node.mark, "expected '\(value)', found \(found)")
            }
        case .integer(let minimum):
            guard let value = node.resolvedInt else {
                return wrongType(node, expected: "an integer")
            }
            if let minimum, value < minimum {
                error(.outOfRange, node.mark, "must be at least \(minimum), found \(value)")
            }
        case .number(let minimum):
            guard let value = node.resolvedNumber else { return wrongType(node, expected: "a number") }
            if let minimum, value < minimum {
                let text = node.scalar?.text ?? "\(value)"
                error(
                    .outOfRange, node.mark,
                    minimum == 0 ? "must not be negative, found \(text)" : "must be at least \(minimum), found \(text)")
            }
        case .boolean:
            guard node.resolvedBool != nil else {
                return wrongType(node, expected: "true or false")
            }
        case .interval:
            if let seconds = ResourceDecoder.interval(node) {
                guard seconds > GatewayPolicy.maxKeyRotationOverlapSeconds else { break }
                return error(
                    .invalidValue, node.mark,
                    "\(Interval.text(seconds)) is longer than \(Interval.text(GatewayPolicy.maxKeyRotationOverlapSeconds)), the longest a replaced secret may keep working"
                )
            }
            let found = node.scalar.map { "'\($0.text)'" } ?? node.kindDescription
            return error(
                .invalidValue, node.mark, "\(found) is not a span of time such as 24h, 30m, 90s, 7d or 0")
        case .list(let item, let minItems, let uniqueItems):
            guard let items = node.sequence else { return wrongType(node, expected: "a list") }
            if items.count < minItems {
                error(.outOfRange, node.mark, "must list at least \(minItems) \(minItems == 1 ? "item" : "items")")
            }
            var seen: [String: Mark] = [:]
            for (index, element) in items.enumerated() {
                path.push(.index(index))
                if uniqueItems, let text = element.scalar?.text {
                    if let first = seen[text] {
                        error(
                            .duplicateItem, element.mark, "'\(text)' is listed twice",
                            notes: [.init("first listed here", at: location(first))])
                    } else {
                        seen[text] = element.mark
                    }
                }
                check(element, item, keyMark: element.mark)
                path.pop()
            }
        case .map(let value):
            guard let pairs = node.mapping else { return wrongType(node, expected: "a mapping") }
            for pair in pairs {
                guard let key = pair.key.resolvedString else {
                    error(.wrongType, pair.key.mark, "keys must be strings, found \(pair.key.kindDescription)")
                    continue
                }
                path.push(.field(key))
                check(pair.value, value, keyMark: pair.key.mark)
                path.pop()
            }
        case .object(let object):
            checkObject(node, object, keyMark: keyMark)
        case .anyMapping:
            if node.mapping == nil { wrongType(node, expected: "a mapping") }
        case .reference(let definition):
            check(node, definition.shape, keyMark: keyMark)
        }
    }

    private mutating func checkObject(_ node: YAMLNode, _ object: ObjectShape, keyMark: Mark) {
        guard let pairs = node.mapping else { return wrongType(node, expected: "a mapping") }
        // Marks of the fields present, by position in `object.fields`: objects have few fields, so an
        // array indexed by field beats a dictionary allocated for every object of a large manifest.
        var marks = [Mark?](repeating: nil, count: object.fields.count)
        func present(_ name: String) -> Mark? {
            object.fields.firstIndex { $0.name == name }.flatMap { marks[$0] }
        }
        for pair in pairs {
            guard let key = pair.key.resolvedString else {
                error(.wrongType, pair.key.mark, "field names must be strings, found \(pair.key.kindDescription)")
                continue
            }
            guard let fieldIndex = object.fields.firstIndex(where: { $0.name == key }) else {
                let names = object.fields.map(\.name)
                var hint = DidYouMean.hint(for: key, among: names)
                if hint.isEmpty { hint = "; expected one of \(names.joined(separator: ", "))" }
                error(.unknownField, pair.key.mark, "unknown field '\(key)'\(hint)")
                continue
            }
            marks[fieldIndex] = pair.key.mark
            path.push(.field(key))
            check(pair.value, object.fields[fieldIndex].shape, keyMark: pair.key.mark)
            path.pop()
        }
        for (index, field) in object.fields.enumerated() where field.required && marks[index] == nil {
            error(.missingField, keyMark, "missing required field '\(field.name)'")
        }
        for condition in object.requiredUnless where present(condition.field) == nil {
            guard present(condition.otherField) != nil else { continue }
            let other = node[condition.otherField]?.scalar?.text ?? ""
            if !condition.values.contains(other) {
                error(
                    .missingField, keyMark,
                    "missing required field '\(condition.field)' (required unless \(condition.otherField) is \(condition.values.joined(separator: " or ")))"
                )
            }
        }
        for group in object.exactlyOneOf {
            let given = group.filter { present($0) != nil }.sorted { present($0)! < present($1)! }
            if given.isEmpty {
                error(.exclusiveFields, keyMark, "must set exactly one of \(quotedList(group)); found none")
            } else if given.count > 1 {
                error(
                    .exclusiveFields, present(given[1])!,
                    "sets both '\(given[0])' and '\(given[1])'; set exactly one of \(quotedList(group))",
                    notes: [.init("'\(given[0])' is set here", at: location(present(given[0])!))])
            }
        }
        if object.minFields > 0, marks.lazy.filter({ $0 != nil }).count < object.minFields {
            error(
                .outOfRange, keyMark,
                "must set at least \(object.minFields == 1 ? "one" : String(object.minFields)) of \(quotedList(object.fields.map(\.name)))"
            )
        }
    }

    private func quotedList(_ names: [String]) -> String {
        names.map { "'\($0)'" }.joined(separator: ", ")
    }

    private mutating func wrongType(_ node: YAMLNode, expected: String) {
        var message = "expected \(expected), found \(node.kindDescription)"
        if expected == "a string", case .scalar(let scalar) = node.content, scalar.style == .plain, !scalar.text.isEmpty
        {
            message += " (quote it to make it a string)"
        } else if expected == "true or false", let text = node.scalar?.text,
            ["yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
        {
            message += " (YAML 1.2: only true and false are booleans)"
        }
        error(.wrongType, node.mark, message)
    }
}
