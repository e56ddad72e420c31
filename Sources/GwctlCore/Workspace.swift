import Foundation
import GatewayStore
import ManifestKit

/// What a command works on: manifest paths, the loader that reads them (with the environment's
/// variables), and the gateway — given on the command line, or by an environment of the
/// project file (`gwctl.yaml`, `--env NAME` or `GWCTL_ENV`).
public struct Workspace: Sendable {
    /// The environment's name; nil without a project environment.
    public var environment: String?
    public var paths: [String]
    public var target: GatewayTarget
    public var loader: ManifestLoader
    /// Resolves secret references under the environment's policy (`SecretPolicy`).
    public var resolver: SecretResolver

    public init(
        environment: String? = nil, paths: [String], target: GatewayTarget, loader: ManifestLoader = .init(),
        resolver: SecretResolver = SecretResolver()
    ) {
        self.environment = environment
        self.paths = paths
        self.target = target
        self.loader = loader
        self.resolver = resolver
    }

    /// The workspaces a command runs on: one, or every environment for `all`.
    ///
    /// Command-line `paths`, `gateway` and `state` win over the environment's; `GWCTL_GATEWAY`
    /// does not (a pipeline's variable must not redirect an environment that names its gateway).
    /// An environment that names neither a gateway nor a state file is embedded in
    /// `.gateway/NAME.db` beside the project file.
    public static func resolve(
        environment name: String?, paths: [String], gateway: String?, state: String?,
        processEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> [Workspace] {
        guard let name = name ?? processEnvironment["GWCTL_ENV"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            let target = try GatewayTarget.resolve(
                gateway: gateway, statePath: state, environment: processEnvironment)
            return [Workspace(paths: paths, target: target)]
        }
        guard let file = Project.find(from: workingDirectory) else {
            throw WorkspaceError.noProject(environment: name, from: workingDirectory)
        }
        let project: Project
        do {
            project = try Project.load(file)
        } catch {
            throw WorkspaceError.invalidProject(error.diagnostics)
        }
        let environments: [Project.Environment]
        if name == "all" {
            environments = project.environments
        } else if let environment = project.environment(name) {
            environments = [environment]
        } else {
            throw WorkspaceError.unknownEnvironment(name, file: file, known: project.environments.map(\.name))
        }
        return try environments.map { environment in
            var variables = processEnvironment
            variables["GWCTL_GATEWAY"] = nil
            let target = try GatewayTarget.resolve(
                gateway: gateway ?? environment.gateway,
                statePath: state ?? environment.state
                    ?? URL(fileURLWithPath: file).deletingLastPathComponent()
                    .appendingPathComponent(".gateway/\(environment.name).db").path,
                environment: variables)
            return Workspace(
                environment: environment.name,
                paths: paths.isEmpty ? environment.paths.map { Self.shown($0, from: workingDirectory) } : paths,
                target: target,
                loader: ManifestLoader(options: .init(variables: environment.variables)),
                resolver: SecretResolver(
                    policy: SecretPolicy(
                        root: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                        folders: environment.secretFolders, variables: environment.secretVariables)))
        }
    }
}

extension Workspace {
    /// `path` relative to `directory` when it lies inside it, so diagnostics read as the user
    /// would type the path; otherwise unchanged.
    static func shown(_ path: String, from directory: String) -> String {
        let base = URL(fileURLWithPath: directory).standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        guard path.hasPrefix(prefix) else { return path }
        return String(path.dropFirst(prefix.count))
    }
}

/// Why no workspace could be chosen.
public enum WorkspaceError: Error, Sendable, CustomStringConvertible {
    case noProject(environment: String, from: String)
    case invalidProject([Diagnostic])
    case unknownEnvironment(String, file: String, known: [String])

    public var description: String {
        switch self {
        case .noProject(let environment, let directory):
            return
                "--env \(environment): no \(Project.fileName) in \(directory) or any folder above it; create one, or give manifest paths"
        case .invalidProject(let diagnostics):
            return "the project file is invalid:\n" + DiagnosticRenderer.text(diagnostics, colored: false)
        case .unknownEnvironment(let name, let file, let known):
            return "\(file): no environment '\(name)'\(DidYouMean.hint(for: name, among: known)) (it has "
                + (known.isEmpty ? "none" : known.joined(separator: ", ")) + "; 'all' runs every one)"
        }
    }
}
