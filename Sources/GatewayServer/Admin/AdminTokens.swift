import Crypto
import Foundation
import GatewayCrypto
import GatewayModel
import GatewayStore

/// An authenticated admin caller.
public struct AdminPrincipal: Sendable, Hashable {
    public var name: String
    public var role: AdminRole

    /// The caller of the request being handled; set by `AdminAuthMiddleware` around the handler.
    @TaskLocal public static var current: AdminPrincipal?
}

/// The admin tokens gatewayd accepts, held only as SHA-256 hashes.
///
/// File format, one token per line: `<name> <reader|writer> sha256:<hex>`. The environment form
/// `GATEWAYD_ADMIN_TOKENS=<name>:<role>:<token>,…` holds plaintext tokens, hashed on load.
public struct AdminTokens: Sendable {
    struct Entry: Sendable {
        var name: String
        var role: AdminRole
        var hash: [UInt8]
    }

    private var entries: [Entry] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    /// Adds a token given in plaintext.
    public mutating func add(name: String, role: AdminRole, token: String) {
        entries.append(Entry(name: name, role: role, hash: Self.hash(token)))
    }

    /// The caller a presented token belongs to. Every entry is compared, in constant time, so the
    /// answer's timing says nothing about which token (or how much of one) matched.
    public func authenticate(_ token: String) -> AdminPrincipal? {
        let presented = Self.hash(token)
        var match: AdminPrincipal?
        for entry in entries where Constant.timeEquals(entry.hash, presented) {
            match = AdminPrincipal(name: entry.name, role: entry.role)
        }
        return match
    }

    static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }

    /// The file line for a token.
    public static func fileLine(name: String, role: AdminRole, token: String) -> String {
        "\(name) \(role.rawValue) sha256:\(Hex.encode(hash(token)))\n"
    }

    /// Reads a tokens file.
    public static func load(file: String) throws -> AdminTokens {
        var tokens = AdminTokens()
        let text = try String(contentsOfFile: file, encoding: .utf8)
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard parts.count == 3, let role = AdminRole(rawValue: parts[1]), parts[2].hasPrefix("sha256:"),
                let hash = Hex.decode(String(parts[2].dropFirst(7))), hash.count == 32
            else { throw AdminTokenError.malformed(file: file, line: number + 1) }
            tokens.entries.append(Entry(name: parts[0], role: role, hash: hash))
        }
        return tokens
    }

    /// Parses the environment form.
    public static func parse(environment value: String) throws -> AdminTokens {
        var tokens = AdminTokens()
        for item in value.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, let role = AdminRole(rawValue: parts[1]), !parts[2].isEmpty else {
                throw AdminTokenError.malformedEnvironment
            }
            tokens.add(name: parts[0], role: role, token: parts[2])
        }
        return tokens
    }

    /// Both sources together.
    public func merging(_ other: AdminTokens) -> AdminTokens {
        var merged = self
        merged.entries += other.entries
        return merged
    }

    /// A new random token: `gwadm_` and 256 bits in hex.
    public static func generateToken() -> String {
        "gwadm_" + Hex.encode(SecureRandom.bytes(32))
    }
}

public enum AdminTokenError: Error, CustomStringConvertible {
    case malformed(file: String, line: Int)
    case malformedEnvironment

    public var description: String {
        switch self {
        case .malformed(let file, let line): return "\(file):\(line): expected '<name> <reader|writer> sha256:<hex>'"
        case .malformedEnvironment: return "GATEWAYD_ADMIN_TOKENS: expected '<name>:<reader|writer>:<token>,…'"
        }
    }
}
