import GatewayCrypto
import GatewayModel
import Testing

/// How secrets are hashed, fingerprinted, compared and generated.
@Suite("Secret handling")
struct SecretHandlingTests {
    @Test func keyDigestsAreSHA256InLowercaseHex() {
        // FIPS 180-2's test vector.
        #expect(KeyDigest.hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(KeyDigest.hex(of: "gw_example") != KeyDigest.hex(of: "gw_example2"))
    }

    @Test func hexRoundTripsAndRefusesWhatIsNotHex() {
        let bytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xAB, 0xFF]
        #expect(Hex.encode(bytes) == "00017f80abff")
        #expect(Hex.decode("00017f80abff") == bytes)
        #expect(Hex.decode("00017F80ABFF") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("") == [])
    }

    @Test func aFingerprintMatchesItsSecretOnlyAndIsSaltedEachTime() {
        let secret = "sk-example-not-a-real-key"
        let first = SecretFingerprint.make(secret)
        let second = SecretFingerprint.make(secret)
        #expect(first.matches(secret))
        #expect(second.matches(secret))
        #expect(!first.matches(secret + "x"))
        #expect(!first.matches(""))
        #expect(first.salt != second.salt)
        #expect(first.sha256 != second.sha256, "the same secret must not fingerprint alike twice")
        #expect(!first.sha256.contains(secret) && !first.salt.contains(secret))
        #expect(first.salt.count == 32 && first.sha256.count == 64)
    }

    @Test func constantTimeComparisonIsPlainEqualityInResult() {
        #expect(Constant.timeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!Constant.timeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!Constant.timeEquals([1, 2, 3], [1, 2]))
        #expect(Constant.timeEquals([], []))
    }

    @Test(arguments: [0, 1, 16, 31, 32, 33, 100])
    func secureRandomGivesExactlyTheBytesAskedFor(count: Int) {
        #expect(SecureRandom.bytes(count).count == count)
    }

    @Test func secureRandomBytesDifferFromDrawToDraw() {
        let draws = Set((0..<100).map { _ in SecureRandom.bytes(32) })
        #expect(draws.count == 100)
        // Every byte value turns up across 3,200 bytes with overwhelming probability.
        #expect(Set(draws.flatMap { $0 }).count > 200)
    }
}
