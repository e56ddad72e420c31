import Foundation
import YAMLCore

/// The project file (`gwctl.yaml` at the repository root, found from the working directory
/// upwards as git finds `.git`): named environments, each a gateway, its manifest paths in order
/// (a shared base first, then the environment's overlays), and its variables.
///
/// ```yaml
/// apiVersion: gwctl/v1
/// kind: Project
/// environments:
///   staging:
///     gateway: https://gatewayd.staging.internal:8443   # or state: .gateway/staging.db
///     paths: [gateway/base, gateway/staging]
///     variables: {budget: 500}
/// ```
public struct Project: Sendable {
    /// The file's name.
    public static let fileName = "gwctl.yaml"
    /// The project language version.
    public static let apiVersion = "gwctl/v1"

    /// One environment: where it is deployed and what makes it.
    public struct Environment: Sendable {
        public var name: String
        /// A gatewayd admin URL, when the environment is served by one.
        public var gateway: String?
        /// An embedded state file (absolute), when it is not.
        public var state: String?
        /// Manifest paths in order, absolute: later paths may patch what earlier ones define.
        public var paths: [String]
        /// Values of `${var.NAME}`, with their YAML style so they are typed where they land.
        public var variables: [String: YAMLScalar]
        /// Globs `env:` secret references must match; nil: any name that is not reserved.
        public var secretVariables: [String]?
        /// Folders besides the repository that `file:` secret references may read (absolute).
        public var secretFolders: [String]
    }

    /// The project file's path.
    public var file: String
    /// The environments, in the file's order.
    public var environments: [Environment]

    /// The environment named `name`.
    public func environment(_ name: String) -> Environment? { environments.first { $0.name == name } }

    /// The nearest `gwctl.yaml` in `directory` or above it; nil when there is none.
    public static func find(from directory: String) -> String? {
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            let candidate = url.appendingPathComponent(fileName).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = url.deletingLastPathComponent()
            guard parent.path != url.path else { return nil }
            url = parent
        }
    }

    static let environmentShape = ObjectShape([
        Field("gateway", .string(.httpURL), "A gatewayd admin URL (the token comes from GWCTL_TOKEN)."),
        Field("state", .string(.nonEmpty), "An embedded state file, relative to the project file."),
        Field(
            "paths", .list(of: .string(.nonEmpty), minItems: 1), required: true,
            "Manifest files or directories, relative to the project file: a shared base first, then overlays."),
        Field("variables", .anyMapping, "Values of ${var.NAME} in the manifests' scalar values."),
        Field(
            "secrets",
            .object(
                ObjectShape([
                    Field(
                        "env", .list(of: .string(.nonEmpty), minItems: 1),
                        "Globs the variables of env: secret references must match."),
                    Field(
                        "files", .list(of: .string(.nonEmpty), minItems: 1),
                        "Folders outside the repository that file: secret references may read (e.g. /run/secrets)."),
                ])), "Where this environment's secret references may point, narrower than the default."),
    ])

    static let shape = ObjectShape([
        Field("apiVersion", .constant(apiVersion), required: true, "The project file version."),
        Field("kind", .constant("Project"), required: true, "Always Project."),
        Field("environments", .map(of: .object(environmentShape)), required: true, "The environments by name."),
    ])

    /// Reads the project file at `path`; throws `ProjectError` with every problem at once, as
    /// `file:line:col` diagnostics.
    public static func load(_ path: String) throws(ProjectError) -> Project {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProjectError([.error(.fileUnreadable, at: SourceLocation(file: path), "cannot read the project file")]
            )
        }
        let stream = YAMLParser.parse([UInt8](data))
        var diagnostics = stream.problems.map {
            Diagnostic.error(.yamlSyntax, at: SourceLocation(file: path, mark: $0.mark), $0.message)
        }
        guard diagnostics.isEmpty, let root = stream.documents.first?.root, stream.documents.count == 1 else {
            if diagnostics.isEmpty {
                diagnostics.append(
                    .error(
                        .invalidProject, at: SourceLocation(file: path), "the project file must be one YAML document"))
            }
            throw ProjectError(diagnostics)
        }
        var validator = ShapeValidator(file: path)
        validator.validateRoot(root, against: shape)
        diagnostics += validator.diagnostics
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        func absolute(_ relative: String) -> String {
            relative.hasPrefix("/")
                ? relative : directory.appendingPathComponent(relative).standardizedFileURL.path
        }
        var environments: [Environment] = []
        for pair in root["environments"]?.mapping ?? [] {
            guard let name = pair.key.scalar?.text else { continue }
            let spec = pair.value
            let at = { (node: YAMLNode?) in SourceLocation(file: path, mark: (node ?? pair.key).mark) }
            if name == "all" || !StringFormat.resourceName.accepts(name) {
                diagnostics.append(
                    .error(
                        .invalidProject, at: at(pair.key),
                        "environment '\(name)': an environment name is a resource name, and 'all' means every environment"
                    ))
            }
            if spec["gateway"] != nil, spec["state"] != nil {
                diagnostics.append(
                    .error(
                        .exclusiveFields, at: at(spec["state"]),
                        "environment '\(name)': give gateway or state, not both"))
            }
            var variables: [String: YAMLScalar] = [:]
            for variable in spec["variables"]?.mapping ?? [] {
                guard let key = variable.key.scalar?.text, let value = variable.value.scalar,
                    key.range(of: "^[A-Za-z_][A-Za-z0-9_-]*$", options: .regularExpression) != nil
                else {
                    diagnostics.append(
                        .error(
                            .invalidProject, at: at(variable.key),
                            "environment '\(name)': a variable is a name (letters, digits, '_' and '-') with a scalar value"
                        ))
                    continue
                }
                variables[key] = value
            }
            environments.append(
                Environment(
                    name: name, gateway: spec["gateway"]?.resolvedString,
                    state: spec["state"]?.resolvedString.map(absolute),
                    paths: (spec["paths"]?.sequence ?? []).compactMap(\.resolvedString).map(absolute),
                    variables: variables,
                    secretVariables: spec["secrets"]?["env"]?.sequence?.compactMap(\.resolvedString),
                    secretFolders: (spec["secrets"]?["files"]?.sequence ?? []).compactMap(\.resolvedString).map(
                        absolute)))
        }
        guard !diagnostics.containsErrors else { throw ProjectError(diagnostics.sortedByLocation()) }
        return Project(file: path, environments: environments)
    }
}

/// Why a project file could not be read: its diagnostics.
public struct ProjectError: Error, Sendable {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }
}
