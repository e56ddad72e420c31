import Foundation
import GatewayModel

/// API key secrets minted by an apply, written to the `--keys-out` file (mode 0600, JSON or
/// dotenv) and handed to `--keys-command` (`KeyCommand`).
public struct MintedKeys: Sendable, Codable {
    public struct Key: Sendable, Codable {
        public var team: String
        public var name: String
        public var prefix: String
        public var secret: String
        /// `create` for a new key, `rotate` for a new secret of an existing one.
        public var action: ChangeOperation.Kind

        /// `team/name`.
        public var qualifiedName: String { team + "/" + name }
    }

    /// How the `--keys-out` file is written.
    public enum Format: String, Sendable, CaseIterable {
        /// `{"target":…,"revision":…,"keys":[{"team","name","prefix","secret","action"}]}`.
        case json
        /// `GW_KEY_<TEAM>__<NAME>=<secret>` lines, for `source` or a CI's env-file step.
        case dotenv

        /// The format a path asks for by its name: `.env` files are dotenv, anything else JSON.
        public static func implied(by path: String) -> Format {
            let file = URL(fileURLWithPath: path).lastPathComponent
            return file == ".env" || file.hasSuffix(".env") ? .dotenv : .json
        }
    }

    public var target: String
    public var revision: Int64
    public var keys: [Key]

    public init(target: String, result: ChangesetResult) {
        self.target = target
        revision = result.revision
        keys = result.results.compactMap { item in
            guard let secret = item.secret, let team = item.target.team else { return nil }
            return Key(
                team: team, name: item.target.name, prefix: item.prefix ?? String(secret.prefix(11)), secret: secret,
                action: item.op)
        }
    }

    /// Creates (or truncates) `path` with mode 0600 before anything is applied, so a path that
    /// cannot be written stops the apply instead of losing minted secrets after it.
    public static func prepare(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        // Minted secrets live here: a directory gwctl creates is its owner's only.
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o600])
        else { throw TargetError("cannot write --keys-out file \(path)") }
        chmod(path, 0o600)
    }

    public func write(to path: String, format: Format = .json) throws {
        let contents: Data
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            contents = try encoder.encode(self) + Data("\n".utf8)
        case .dotenv:
            contents = Data(dotenv.utf8)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: contents)
    }

    /// The keys as dotenv lines. Secrets are `gw_` and URL-safe base64, so they need no quoting.
    public var dotenv: String {
        var out = "# API key secrets minted by gwctl apply to \(target) at revision \(revision). Keep out of git.\n"
        for key in keys { out += "\(Self.variable(team: key.team, name: key.name))=\(key.secret)\n" }
        return out
    }

    /// `GW_KEY_PAYMENTS__CHECKOUT_BACKEND` for `payments/checkout-backend`: names are lowercase
    /// letters, digits and `-`, so `-` becomes `_` and the double `__` between team and name keeps
    /// `a-b/c` and `a/b-c` apart.
    public static func variable(team: String, name: String) -> String {
        func part(_ text: String) -> String {
            String(text.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        }
        return "GW_KEY_" + part(team) + "__" + part(name)
    }
}

extension MintedKeys {
    /// dotenv variables two keys among `keys` would share (`a--b/c` and `a/b--c`), each with the
    /// keys: checked before an apply, so a dotenv file never loses a secret after one.
    public static func dotenvCollisions(_ keys: [ResourceRef]) -> [String] {
        let byVariable = Dictionary(grouping: keys) { variable(team: $0.team ?? "", name: $0.name) }
        return byVariable.filter { $0.value.count > 1 }.keys.sorted().map { variable in
            "\(variable) would hold " + (byVariable[variable] ?? []).map(\.description).joined(separator: " and ")
        }
    }
}
