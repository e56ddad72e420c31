import Crypto
import Foundation
import GatewayModel

extension SecretFingerprint {
    /// A fingerprint of `secret` under a fresh random salt.
    public static func make(_ secret: String) -> SecretFingerprint {
        let saltHex = Hex.encode(SecureRandom.bytes(16))
        return SecretFingerprint(salt: saltHex, sha256: digest(secret, saltHex: saltHex))
    }

    /// Whether `secret` is the secret this fingerprint was made from.
    public func matches(_ secret: String) -> Bool {
        Constant.timeEquals(Array(SecretFingerprint.digest(secret, saltHex: salt).utf8), Array(sha256.utf8))
    }

    static func digest(_ secret: String, saltHex: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Hex.decode(saltHex) ?? [])
        hasher.update(data: Data(secret.utf8))
        return Hex.encode(Array(hasher.finalize()))
    }
}

/// Lowercase hexadecimal.
public enum Hex {
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        func value(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: return byte - 48
            case 97...102: return byte - 87
            case 65...70: return byte - 55
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count / 2)
        var index = 0
        while index < bytes.count {
            guard let high = value(bytes[index]), let low = value(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

/// Comparisons whose time does not depend on where the inputs differ.
public enum Constant {
    public static func timeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
