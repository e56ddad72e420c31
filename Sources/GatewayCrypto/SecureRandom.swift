import Crypto

/// Cryptographically secure random bytes from BoringSSL's generator (through swift-crypto): one
/// call per request for bytes, where the standard library's generator makes a system call per
/// number, which dominated minting 100k keys.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            SymmetricKey(size: .bits256).withUnsafeBytes { out.append(contentsOf: $0.prefix(count - out.count)) }
        }
        return out
    }
}
