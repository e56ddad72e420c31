import Foundation
import GatewayModel

/// API key secrets minted by an apply, written to the `--keys-out` file (mode 0600, JSON).
public struct MintedKeys: Sendable, Codable {
    public struct Key: Sendable, Codable {
        public var team: String
        public var name: String
        public var prefix: String
        public var secret: String
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
                team: team, name: item.target.name, prefix: item.prefix ?? String(secret.prefix(11)), secret: secret)
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

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: try encoder.encode(self) + Data("\n".utf8))
    }
}
