import Foundation
import GatewayCrypto
import GatewayModel
import GatewayStore
import Testing

@Suite("Secrets at rest")
struct SecretsTests {
    @Test func sealedSecretsOpenOnlyInTheirOwnContext() throws {
        let box = SecretBox(keyring: .generate())
        let sealed = try box.seal("sk-live-123", boundTo: "credential/payments/azure")
        #expect(try box.open(sealed, boundTo: "credential/payments/azure") == "sk-live-123")
        #expect(throws: (any Error).self) { try box.open(sealed, boundTo: "credential/research/azure") }
        #expect(!String(decoding: sealed.combined, as: UTF8.self).contains("sk-live-123"))
    }

    @Test func aSecretSealedUnderAnOldKeyOpensAfterRotation() throws {
        let old = MasterKeyring.generate()
        let sealed = try SecretBox(keyring: old).seal("sk-old", boundTo: "x")
        let rotated = old.adding(MasterKeyring.generateKey())
        #expect(rotated.current.id != old.current.id)
        #expect(try SecretBox(keyring: rotated).open(sealed, boundTo: "x") == "sk-old")
        #expect(throws: MasterKeyError.unknownKeyID(old.current.id)) {
            try SecretBox(keyring: rotated.currentOnly()).open(sealed, boundTo: "x")
        }
    }

    @Test func keyringFilesAreWrittenPrivateAndRefusedWhenNot() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyring-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("master.key").path
        let keyring = MasterKeyring.generate()
        try keyring.write(to: file)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try MasterKeyring.load(file: file).current.id == keyring.current.id)
        chmod(file, 0o644)
        #expect(throws: MasterKeyError.self) { try MasterKeyring.load(file: file) }
    }

    @Test func aMissingMasterKeyIsAnErrorUnlessCreationIsAsked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = StateFiles(statePath: directory.appendingPathComponent("state.db").path)
        #expect(throws: MasterKeyError.missing(file: files.masterKeyPath)) {
            try files.keyring(environment: [:], create: false)
        }
        let (_, created) = try files.keyring(environment: [:], create: true)
        #expect(created)
        #expect(try files.keyring(environment: [:], create: false).created == false)
    }

    @Test func fingerprintsDetectAChangedSecretWithoutRevealingIt() {
        let fingerprint = SecretFingerprint.make("sk-one")
        #expect(fingerprint.matches("sk-one"))
        #expect(!fingerprint.matches("sk-two"))
        #expect(SecretFingerprint.make("sk-one").salt != fingerprint.salt)
        #expect(!fingerprint.sha256.contains("sk-one"))
    }

    @Test func mintedKeysAreGatewayPrefixedBase62With256Bits() {
        let key = APIKeySecret.mint()
        #expect(key.secret.hasPrefix("gw_"))
        #expect(key.secret.count == 46)
        #expect(key.secret.dropFirst(3).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(key.prefix == String(key.secret.prefix(11)))
        #expect(key.hash == APIKeySecret.hash(of: key.secret))
        #expect(APIKeySecret.mint().secret != key.secret)
    }
}
