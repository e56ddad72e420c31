import AdminAPI
import Foundation
import GatewayModel
import GatewayStore

/// Where gwctl plans and applies: a gatewayd over HTTP, or the embedded state file.
public enum GatewayTarget: Sendable {
    case http(url: URL, token: String?)
    case embedded(statePath: String)

    /// `--gateway` / `GWCTL_GATEWAY` with an admin credential (`adminToken(environment:)`);
    /// otherwise the embedded default.
    public static func resolve(
        gateway: String?, statePath: String?, environment: [String: String]
    ) throws
        -> GatewayTarget
    {
        if let value = gateway ?? environment["GWCTL_GATEWAY"], !value.isEmpty {
            guard let url = URL(string: value), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw TargetError("--gateway must be an http(s) URL, got '\(value)'")
            }
            return .http(url: url, token: try adminToken(environment: environment))
        }
        return .embedded(statePath: statePath ?? StateFiles.defaultStatePath)
    }

    /// The bearer credential for a gatewayd: `GWCTL_TOKEN` (a stored admin token), else a
    /// workload's OIDC token from the file `GWCTL_OIDC_TOKEN_FILE` names (read at each run, as
    /// platforms rotate it there), else `GWCTL_OIDC_TOKEN` itself. An issuer's admin grants map
    /// the OIDC token to a role (docs/workload-identity.md).
    public static func adminToken(environment: [String: String]) throws -> String? {
        if let token = environment["GWCTL_TOKEN"], !token.isEmpty { return token }
        if let path = environment["GWCTL_OIDC_TOKEN_FILE"], !path.isEmpty {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw TargetError("GWCTL_OIDC_TOKEN_FILE: cannot read \(path)")
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw TargetError("GWCTL_OIDC_TOKEN_FILE: \(path) is empty") }
            return token
        }
        if let token = environment["GWCTL_OIDC_TOKEN"], !token.isEmpty { return token }
        return nil
    }

    /// Printed in plan headers.
    public var description: String {
        switch self {
        case .http(let url, _): return "gatewayd at \(url.absoluteString)"
        case .embedded(let path): return "embedded state \(path)"
        }
    }

    /// Whether the target is a file on this machine (reading it contacts nothing).
    public var isLocal: Bool {
        if case .embedded = self { return true }
        return false
    }

    /// A client for reading; an embedded state that does not exist yet reads as empty, and
    /// nothing is created until something is applied.
    public func reader() throws -> (any GatewayAdmin)? {
        switch self {
        case .http(let url, let token):
            return AdminClient(serverURL: url, token: token)
        case .embedded(let path):
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return try writer()
        }
    }

    /// A client for applying; creates the embedded state (and its master key, mode 0600) on first use.
    public func writer() throws -> any GatewayAdmin {
        switch self {
        case .http(let url, let token):
            return AdminClient(serverURL: url, token: token)
        case .embedded(let path):
            let store = try StateFiles(statePath: path).openStore(
                environment: ProcessInfo.processInfo.environment, create: true)
            return EmbeddedAdmin(store: store, targetDescription: description, actor: "gwctl-embedded")
        }
    }
}

/// A target that cannot be used as given.
public struct TargetError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
