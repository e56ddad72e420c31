/// Where a secret lives. Manifests name secrets, never hold them; gwctl resolves them at plan time.
public enum SecretReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// An environment variable of the process that plans or applies.
    case env(String)
    /// A file whose contents (without a trailing newline) are the secret.
    case file(String)

    public var description: String {
        switch self {
        case .env(let name): return "env:\(name)"
        case .file(let path): return "file:\(path)"
        }
    }
}
