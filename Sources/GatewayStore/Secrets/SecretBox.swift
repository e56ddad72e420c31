import Crypto
import Foundation
import GatewayModel

/// A secret sealed with AES-256-GCM under a master key. The associated data binds the ciphertext
/// to the resource it belongs to, so a sealed secret copied to another row does not open.
public struct SealedSecret: Sendable, Hashable {
    public var keyID: String
    /// Nonce, ciphertext and tag, as `AES.GCM.SealedBox.combined`.
    public var combined: Data

    public init(keyID: String, combined: Data) {
        self.keyID = keyID
        self.combined = combined
    }
}

/// Seals and opens secrets with a keyring.
public struct SecretBox: Sendable {
    public let keyring: MasterKeyring

    public init(keyring: MasterKeyring) {
        self.keyring = keyring
    }

    public func seal(_ plaintext: String, boundTo context: String) throws -> SealedSecret {
        let box = try AES.GCM.seal(
            Data(plaintext.utf8), using: keyring.current.key, authenticating: Data(context.utf8))
        // `combined` is non-nil for the default 12-byte nonce.
        return SealedSecret(keyID: keyring.current.id, combined: box.combined!)
    }

    public func open(_ sealed: SealedSecret, boundTo context: String) throws -> String {
        guard let key = keyring.key(id: sealed.keyID) else { throw MasterKeyError.unknownKeyID(sealed.keyID) }
        let box = try AES.GCM.SealedBox(combined: sealed.combined)
        let data = try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        return String(decoding: data, as: UTF8.self)
    }
}
