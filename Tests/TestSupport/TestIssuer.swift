import Crypto
import CryptoExtras
import Foundation
import Synchronization

/// An OIDC issuer for tests: RSA, EC and Ed25519 keys made at run time, a JWKS document the test
/// serves on loopback (and can rotate or take down), and tokens signed here with swift-crypto, so
/// what gatewayd verifies was not produced by the library it verifies with.
public final class TestIssuer: Sendable {
    public let url: String
    public let audience: String
    private let rsa: _RSA.Signing.PrivateKey
    private let rotatedRSA: _RSA.Signing.PrivateKey
    private let ec = P256.Signing.PrivateKey()
    private let ed = Curve25519.Signing.PrivateKey()
    private struct State {
        var published: Set<String> = ["rsa-1", "ec-1", "ed-1"]
        var down = false
        var fetches = 0
    }
    private let state = Mutex(State())

    public init(url: String = "https://token.ci.test", audience: String = "https://gateway.test") throws {
        self.url = url
        self.audience = audience
        rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        rotatedRSA = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    }

    /// `rsa-2` joins the published keys (the issuer rotated its key).
    public func publishRotatedKey() { state.withLock { _ = $0.published.insert("rsa-2") } }

    /// While down, the JWKS endpoint answers 503.
    public func setDown(_ down: Bool) { state.withLock { $0.down = down } }

    /// How many times the JWKS was asked for.
    public var fetches: Int { state.withLock { $0.fetches } }

    /// The JWKS endpoint's answer: status and body.
    public func jwksResponse() -> (status: Int, body: String) {
        let (down, published) = state.withLock { state in
            state.fetches += 1
            return (state.down, state.published)
        }
        if down { return (503, #"{"error":"down"}"#) }
        let keys = published.sorted().compactMap { try? jwk($0) }
        return (200, #"{"keys":["# + keys.joined(separator: ",") + "]}")
    }

    private func jwk(_ kid: String) throws -> String {
        switch kid {
        case "rsa-1", "rsa-2":
            let key = kid == "rsa-1" ? rsa : rotatedRSA
            let primitives = try key.publicKey.getKeyPrimitives()
            return
                #"{"kty":"RSA","kid":"\#(kid)","use":"sig","alg":"RS256","n":"\#(Self.base64URL(primitives.modulus))","e":"\#(Self.base64URL(primitives.publicExponent))"}"#
        case "ec-1":
            let point = ec.publicKey.x963Representation.dropFirst()
            return
                #"{"kty":"EC","kid":"ec-1","use":"sig","alg":"ES256","crv":"P-256","x":"\#(Self.base64URL(point.prefix(32)))","y":"\#(Self.base64URL(point.suffix(32)))"}"#
        default:
            return
                #"{"kty":"OKP","kid":"ed-1","use":"sig","alg":"EdDSA","crv":"Ed25519","x":"\#(Self.base64URL(ed.publicKey.rawRepresentation))"}"#
        }
    }

    /// The claims of a token from this issuer for its audience, valid for ten minutes, plus `extra`.
    public func claims(_ extra: [String: Any] = [:], now: Date = Date()) -> [String: Any] {
        let seconds = Int(now.timeIntervalSince1970)
        var claims: [String: Any] = [
            "iss": url, "aud": audience, "sub": "repo:acme/checkout:environment:production",
            "iat": seconds, "nbf": seconds, "exp": seconds + 600,
        ]
        for (name, value) in extra { claims[name] = value }
        return claims
    }

    /// A token signed with the key `kid` (`rsa-1`, `rsa-2`, `ec-1`, `ed-1`), the algorithm its kind uses.
    public func token(_ claims: [String: Any], kid: String = "rsa-1") throws -> String {
        let alg = kid.hasPrefix("rsa") ? "RS256" : kid == "ec-1" ? "ES256" : "EdDSA"
        let input = try Self.segment(["alg": alg, "typ": "JWT", "kid": kid]) + "." + Self.segment(claims)
        let data = Data(input.utf8)
        let signature: Data
        switch kid {
        case "rsa-1", "rsa-2":
            let key = kid == "rsa-1" ? rsa : rotatedRSA
            signature = try key.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation
        case "ec-1": signature = try ec.signature(for: data).rawRepresentation
        default: signature = try ed.signature(for: data)
        }
        return input + "." + Self.base64URL(signature)
    }

    /// An unsigned token (`alg: none`) with these claims.
    public func unsignedToken(_ claims: [String: Any]) throws -> String {
        try Self.segment(["alg": "none", "typ": "JWT", "kid": "rsa-1"]) + "." + Self.segment(claims) + "."
    }

    /// The key-confusion forgery: HS256 with the issuer's public RSA key (as PEM) as the HMAC secret.
    public func hmacWithPublicKey(_ claims: [String: Any]) throws -> String {
        let input = try Self.segment(["alg": "HS256", "typ": "JWT", "kid": "rsa-1"]) + "." + Self.segment(claims)
        let secret = SymmetricKey(data: Data(rsa.publicKey.pemRepresentation.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: secret)
        return input + "." + Self.base64URL(Data(mac))
    }

    /// `token` with its payload replaced by `claims` and the original signature kept.
    public static func tampered(_ token: String, claims: [String: Any]) throws -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return "\(parts[0]).\(try segment(claims)).\(parts[2])"
    }

    /// `token` with its header naming `kid` instead (a forged key id), payload and signature kept.
    public static func naming(kid: String, in token: String) throws -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return "\(try segment(["alg": "RS256", "typ": "JWT", "kid": kid])).\(parts[1]).\(parts[2])"
    }

    static func segment(_ object: [String: Any]) throws -> String {
        base64URL(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
