import Crypto
import Foundation

/// The stored form of an API key: SHA-256 in lowercase hex. Keys are 256-bit random, so a fast
/// hash is enough; the gateway looks presented keys up by it and never keeps the key itself.
public enum KeyDigest {
    public static func hex(of secret: String) -> String {
        Hex.encode(Array(SHA256.hash(data: Data(secret.utf8))))
    }
}
