import YAMLCore

/// Reads one file's YAML stream into envelope-checked, shape-validated documents.
struct DocumentReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var documents: [ManifestDocument] = []
    /// Documents marked `patch: true`, not validated until merged into what they patch.
    private(set) var patches: [ManifestDocument] = []
    /// Replaces `${var.NAME}` before validation; nil when the file holds no reference.
    private var substitution: VariableSubstitution?

    /// `substituting`: the file may hold `${var.NAME}` references, replaced from `variables`
    /// (nil: no environment is selected, so each reference is an error).
    init(file: String, substituting: Bool = false, variables: [String: YAMLScalar]? = nil) {
        self.file = file
        if substituting {
            substitution = VariableSubstitution(variables: variables) { SourceLocation(file: file, mark: $0) }
        }
    }

    mutating func read(_ stream: YAMLStream) {
        for problem in stream.problems {
            diagnostics.append(diagnostic(for: problem))
        }
        for document in stream.documents where !document.isEmpty {
            read(document.root)
        }
        if let substitution { diagnostics += substitution.diagnostics }
    }

    private func diagnostic(for problem: YAMLProblem) -> Diagnostic {
        let location = SourceLocation(file: file, mark: problem.mark)
        switch problem.kind {
        case .syntax:
            let notes = problem.context.map {
                [
                    Diagnostic.Note(
                        "\($0.description), which started here", at: SourceLocation(file: file, mark: $0.mark))
                ]
            }
            return .error(.yamlSyntax, at: location, problem.message, notes: notes ?? [])
        case .duplicateKey(_, let first):
            return .error(
                .duplicateKey, at: location, problem.message,
                notes: [.init("first defined here", at: SourceLocation(file: file, mark: first))])
        case .undefinedAlias: return .error(.undefinedAlias, at: location, problem.message)
        case .aliasExpansionLimit: return .error(.aliasLimit, at: location, problem.message)
        case .depthLimit: return .error(.depthLimit, at: location, problem.message)
        }
    }

    private mutating func read(_ parsed: YAMLNode) {
        let root = substitution?.substitute(parsed) ?? parsed
        guard root.mapping != nil else {
            diagnostics.append(
                .error(
                    .notAMapping, at: SourceLocation(file: file, mark: root.mark),
                    "a manifest document must be a mapping with apiVersion, kind, metadata and spec; found \(root.kindDescription)"
                ))
            return
        }
        let kind = root["kind"]?.resolvedString.flatMap(ManifestSchema.Kind.init(rawValue:))
        if root["patch"]?.resolvedBool == true, let kind, let name = root["metadata"]?["name"]?.resolvedString {
            // Validated once merged: alone, a patch lacks what its base provides.
            patches.append(ManifestDocument(file: file, kind: kind, name: name, node: root))
            return
        }
        var validator = ShapeValidator(file: file)
        validator.validateRoot(root, against: kind.map(ManifestSchema.envelope(for:)) ?? ManifestSchema.envelope)
        diagnostics += validator.diagnostics
        guard let kind, let name = root["metadata"]?["name"]?.resolvedString,
            StringFormat.resourceName.accepts(name)
        else { return }
        documents.append(ManifestDocument(file: file, kind: kind, name: name, node: root))
    }
}
