import Crypto
import Foundation
import GatewayModel

/// The master keys that encrypt secrets at rest. The first key seals new secrets; older keys
/// stay only to open what was sealed before a rotation finished.
///
/// File format (mode 0600), one key per line, newest first: `<key-id> <base64 of 32 bytes>`.
/// The environment form, `GATEWAYD_MASTER_KEY=<key-id>:<base64>`, holds a single key.
public struct MasterKeyring: Sendable {
    public struct Key: Sendable {
        public var id: String
        var key: SymmetricKey
    }

    /// Newest first; never empty.
    public private(set) var keys: [Key]

    /// The key that seals new secrets.
    public var current: Key { keys[0] }

    public init(keys: [Key]) throws {
        guard !keys.isEmpty else { throw MasterKeyError.empty }
        self.keys = keys
    }

    /// A new random key with a fresh id.
    public static func generateKey() -> Key {
        let id =
            "mk-" + Timestamp.now.description.filter(\.isNumber).prefix(14) + "-"
            + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return Key(id: id, key: SymmetricKey(size: .bits256))
    }

    /// A new keyring holding one fresh key.
    public static func generate() -> MasterKeyring {
        // A keyring with one key is never empty.
        try! MasterKeyring(keys: [generateKey()])
    }

    /// This keyring with `key` added as the new current key.
    public func adding(_ key: Key) -> MasterKeyring {
        try! MasterKeyring(keys: [key] + keys)
    }

    /// This keyring with only the current key (after every secret was resealed under it).
    public func currentOnly() -> MasterKeyring {
        try! MasterKeyring(keys: [current])
    }

    public func key(id: String) -> SymmetricKey? {
        keys.first { $0.id == id }?.key
    }

    /// Reads a keyring file; refuses one readable by group or others.
    public static func load(file: String) throws -> MasterKeyring {
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        if let permissions = attributes[.posixPermissions] as? Int, permissions & 0o077 != 0 {
            throw MasterKeyError.insecurePermissions(file: file, mode: String(permissions, radix: 8))
        }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        return try parse(text, source: file)
    }

    /// Parses the file format (also used for the environment form, with ':' in place of the space).
    public static func parse(_ text: String, source: String) throws -> MasterKeyring {
        var keys: [Key] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == ":" }).map(String.init)
            guard parts.count == 2, let data = Data(base64Encoded: parts[1]), data.count == 32 else {
                throw MasterKeyError.malformed(source: source, line: number + 1)
            }
            keys.append(Key(id: parts[0], key: SymmetricKey(data: data)))
        }
        guard !keys.isEmpty else { throw MasterKeyError.malformed(source: source, line: 0) }
        return try MasterKeyring(keys: keys)
    }

    /// The file form of this keyring.
    public func serialized() -> String {
        var text = "# gatewayd master keys, newest first. Keep this file secret (mode 0600) and backed up.\n"
        for key in keys {
            let base64 = key.key.withUnsafeBytes { Data($0).base64EncodedString() }
            text += "\(key.id) \(base64)\n"
        }
        return text
    }

    /// Writes the keyring with mode 0600, atomically (a rename), so a crash leaves the old or the new file.
    public func write(to file: String) throws {
        let url = URL(fileURLWithPath: file)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let temporary = file + ".tmp-\(getpid())"
        let created = FileManager.default.createFile(
            atPath: temporary, contents: Data(serialized().utf8), attributes: [.posixPermissions: 0o600])
        guard created else { throw MasterKeyError.unwritable(file: file) }
        guard rename(temporary, file) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw MasterKeyError.unwritable(file: file)
        }
    }
}

/// Why a master key could not be used.
public enum MasterKeyError: Error, CustomStringConvertible, Equatable {
    case empty
    case missing(file: String)
    case malformed(source: String, line: Int)
    case insecurePermissions(file: String, mode: String)
    case unwritable(file: String)
    case unknownKeyID(String)

    public var description: String {
        switch self {
        case .empty: return "the master keyring holds no key"
        case .missing(let file):
            return
                "no master key at \(file) and GATEWAYD_MASTER_KEY is not set; run with --init to create one (never a default key)"
        case .malformed(let source, let line):
            return "\(source):\(line): expected '<key-id> <base64 of 32 bytes>'"
        case .insecurePermissions(let file, let mode):
            return "\(file) has mode \(mode); a master key file must not be readable by group or others (chmod 600)"
        case .unwritable(let file): return "cannot write \(file)"
        case .unknownKeyID(let id): return "a secret is sealed with master key '\(id)', which the keyring does not hold"
        }
    }
}
