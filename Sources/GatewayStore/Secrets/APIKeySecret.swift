import GatewayCrypto

/// A freshly minted API key: `gw_` followed by 256 random bits in base62 (43 characters).
///
/// The gateway stores only `hash` (SHA-256, hex: the key is high-entropy, so a fast hash is
/// enough) and `prefix`; `secret` goes back to the caller once and is never stored.
public struct APIKeySecret: Sendable {
    public var secret: String
    public var hash: String
    public var prefix: String

    /// Characters of the secret kept for display, `gw_` included.
    public static let prefixLength = 11

    public static func mint() -> APIKeySecret {
        let secret = "gw_" + Base62.encode(SecureRandom.bytes(32), width: 43)
        return APIKeySecret(secret: secret, hash: hash(of: secret), prefix: String(secret.prefix(prefixLength)))
    }

    /// The stored form of a presented key.
    public static func hash(of secret: String) -> String {
        KeyDigest.hex(of: secret)
    }
}

/// Base62 (0-9, A-Z, a-z) of a big-endian unsigned integer, left-padded to a fixed width.
enum Base62 {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func encode(_ bytes: [UInt8], width: Int) -> String {
        var number = bytes
        var digits: [UInt8] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for index in number.indices {
                let value = remainder * 256 + Int(number[index])
                number[index] = UInt8(value / 62)
                remainder = value % 62
            }
            digits.append(alphabet[remainder])
        }
        while digits.count < width { digits.append(alphabet[0]) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}
