import YAMLCore

/// `${var.NAME}` in scalar values, replaced by an environment's variables before a document
/// is validated, so the value is checked and typed as if it had been written there: a scalar
/// that is exactly one reference takes the variable's own typing (`limitUSD: ${var.budget}` is
/// a number when `budget: 500`, and a string when `budget: "500"`); a reference inside longer
/// text makes a string.
/// A reference under a `secret` is refused: secrets stay `env:` and `file:` references.
struct VariableSubstitution {
    /// The environment's variables; nil when no environment is selected.
    let variables: [String: YAMLScalar]?
    let locate: (Mark) -> SourceLocation
    private(set) var diagnostics: [Diagnostic] = []

    static let opening = "${var."

    init(variables: [String: YAMLScalar]?, locate: @escaping (Mark) -> SourceLocation) {
        self.variables = variables
        self.locate = locate
    }

    /// Whether `bytes` could hold a reference: documents of other files are not walked.
    static func mayReference(_ bytes: [UInt8]) -> Bool {
        let needle = Array(opening.utf8)
        guard bytes.count >= needle.count else { return false }
        var index = 0
        while let start = bytes[index...].firstIndex(of: needle[0]), start + needle.count <= bytes.count {
            if bytes[start..<start + needle.count].elementsEqual(needle) { return true }
            index = start + 1
        }
        return false
    }

    mutating func substitute(_ node: YAMLNode, inSecret: Bool = false) -> YAMLNode {
        switch node.content {
        case .mapping(let pairs):
            let substituted = pairs.map { pair in
                YAMLPair(
                    key: pair.key,
                    value: substitute(pair.value, inSecret: inSecret || pair.key.scalar?.text == "secret"))
            }
            return YAMLNode(content: .mapping(substituted), mark: node.mark, tag: node.tag)
        case .sequence(let items):
            return YAMLNode(
                content: .sequence(items.map { substitute($0, inSecret: inSecret) }), mark: node.mark, tag: node.tag)
        case .scalar(let scalar):
            guard scalar.text.contains(Self.opening) else { return node }
            return self.scalar(scalar, of: node, inSecret: inSecret)
        }
    }

    private mutating func scalar(_ scalar: YAMLScalar, of node: YAMLNode, inSecret: Bool) -> YAMLNode {
        let location = locate(node.mark)
        guard !inSecret else {
            diagnostics.append(
                .error(
                    .variableInSecret, at: location,
                    "a variable cannot name a secret: secrets stay env: or file: references, so the manifests say where each comes from"
                ))
            return node
        }
        var text = ""
        var rest = Substring(scalar.text)
        while let start = rest.range(of: Self.opening) {
            text += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                text += rest[start.lowerBound...]
                rest = ""
                break
            }
            let name = String(rest[start.upperBound..<end])
            if let value = variables?[name] {
                text += value.text
            } else {
                report(undefined: name, at: location)
                return node
            }
            rest = rest[rest.index(after: end)...]
        }
        text += rest
        // One reference and nothing else: the variable's own typing, quoted or not (inside a
        // flow collection the reference must be quoted, and is still the variable's number).
        let inner = scalar.text.dropFirst(Self.opening.count).dropLast()
        if scalar.text.hasPrefix(Self.opening), scalar.text.hasSuffix("}"),
            !inner.contains("}"), let value = variables?[String(inner)]
        {
            return YAMLNode(content: .scalar(value), mark: node.mark, tag: node.tag)
        }
        return YAMLNode(content: .scalar(YAMLScalar(text: text, style: .doubleQuoted)), mark: node.mark, tag: node.tag)
    }

    private mutating func report(undefined name: String, at location: SourceLocation) {
        guard let variables else {
            diagnostics.append(
                .error(
                    .undefinedVariable, at: location,
                    "'${var.\(name)}' needs an environment: variables come from an environment of the project file (gwctl.yaml; select one with --env)"
                ))
            return
        }
        diagnostics.append(
            .error(
                .undefinedVariable, at: location,
                "undefined variable '\(name)'\(DidYouMean.hint(for: name, among: variables.keys))"))
    }
}
