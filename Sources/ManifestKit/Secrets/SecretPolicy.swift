import Foundation
import GatewayModel

#if canImport(Glibc)
    import Glibc
#endif

/// Where secret references may point. A manifest change in a pull request can name any
/// variable or file of the machine that plans it, and the secret is then sent to the provider's
/// `baseURL`, which the same change may point at any host; so references are confined by
/// default: `file:` inside the repository (no absolute path, no `..` out of it, no symlink out
/// of it), and `env:` never one of gwctl's or gatewayd's own variables nor a CI system's token.
/// The project file can narrow them further, per environment.
public struct SecretPolicy: Sendable {
    /// The folder `file:` references must stay inside (symlinks resolved).
    public var root: String
    /// More folders a `file:` reference may point into (absolute), such as `/run/secrets`.
    public var folders: [String]
    /// Globs that `env:` names must match; nil allows any name that is not reserved.
    public var variables: [String]?

    public init(root: String, folders: [String] = [], variables: [String]? = nil) {
        self.root = Self.real(root)
        self.folders = folders.map(Self.real)
        self.variables = variables
    }

    /// The exception to `reservedVariables`: the placeholders `gwctl export` writes for the
    /// secrets it cannot read back, which are the user's own.
    public static let exportPlaceholders = "GWCTL_SECRET_*"

    /// Variables that are never a gateway's secret: gwctl's and gatewayd's own, and the tokens
    /// CI systems give every job (globs).
    public static let reservedVariables = [
        "GWCTL_*", "GATEWAYD_*", "GITHUB_TOKEN", "ACTIONS_*", "GH_TOKEN", "CI_JOB_TOKEN", "CI_JOB_JWT*",
        "CI_REGISTRY_PASSWORD", "CI_DEPLOY_PASSWORD", "GITLAB_TOKEN", "SYSTEM_ACCESSTOKEN",
        "BUILDKITE_AGENT_ACCESS_TOKEN", "CIRCLE_TOKEN", "VAULT_TOKEN", "AWS_SESSION_TOKEN", "AWS_SECRET_ACCESS_KEY",
        "KUBECONFIG",
    ]

    /// The repository root seen from `directory`: the nearest folder above it holding a project
    /// file or `.git`, else `directory` itself.
    public static func repositoryRoot(from directory: String) -> String {
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            for marker in [Project.fileName, ".git"]
            where FileManager.default.fileExists(atPath: url.appendingPathComponent(marker).path) {
                return url.path
            }
            let parent = url.deletingLastPathComponent()
            guard parent.path != url.path else { return URL(fileURLWithPath: directory).standardizedFileURL.path }
            url = parent
        }
    }

    /// The default policy for a command run in `directory`.
    public static func confined(from directory: String = FileManager.default.currentDirectoryPath) -> SecretPolicy {
        SecretPolicy(root: repositoryRoot(from: directory))
    }

    /// Why `reference` (with `file:` paths already absolute) is refused, or nil when it is allowed.
    public func refusal(of reference: SecretReference) -> String? {
        switch reference {
        case .env(let name):
            if !Self.matches(name, Self.exportPlaceholders),
                let reserved = Self.reservedVariables.first(where: { Self.matches(name, $0) })
            {
                return
                    "env:\(name) is refused: \(reserved) is gwctl's, gatewayd's or the CI system's own, never a gateway secret (it would be sent to a provider)"
            }
            if let variables, !variables.contains(where: { Self.matches(name, $0) }) {
                return
                    "env:\(name) is refused: the project file allows only \(variables.joined(separator: ", ")) for this environment"
            }
            return nil
        case .file(let path):
            let real = Self.real(path)
            for folder in [root] + folders
            where real == folder || real.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") {
                return nil
            }
            let allowed = ([root] + folders).joined(separator: ", ")
            return path == real
                ? "file:\(path) is refused: secret files must be inside \(allowed)"
                : "file:\(path) is refused: it leads to \(real), outside \(allowed)"
        }
    }

    /// `path` with symlinks resolved and `..` removed; a path that does not exist yet keeps its
    /// existing ancestors resolved, so a missing file is refused for where it would be.
    static func real(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func matches(_ name: String, _ glob: String) -> Bool {
        fnmatch(glob, name, 0) == 0
    }
}
