import Crypto
import Foundation
import GatewayCore
import GatewayModel
import JWTKit
import Synchronization

/// Verifies a bearer JWT against the issuers of a snapshot: algorithm, issuer, audience, times,
/// then the signature (jwt-kit, with the issuer's cached keys). Every refusal is
/// `401 invalid_token` naming the reason, never the token; a cold issuer that cannot be reached
/// is `503 issuer_unavailable`.
///
/// A verified token is remembered by its SHA-256 until it expires (or its issuer's keys change),
/// so a workload sending the same token with each request pays a hash, not a signature check.
final class TokenVerifier: Sendable {
    /// Clock skew tolerated on `exp`, `nbf` and `iat`.
    static let leewaySeconds: Int64 = 60
    /// Verified tokens remembered at most; past it the cache starts over.
    static let cacheLimit = 10_000

    private struct Verified {
        var claims: TokenClaims
        var issuer: String
        var expiresAt: Int64
        var generation: Int
    }

    let keys: SigningKeys
    private let verified = Mutex([[UInt8]: Verified]())

    init(keys: SigningKeys) {
        self.keys = keys
    }

    /// Whether a bearer value is a JWT rather than a gateway key.
    static func looksLikeJWT(_ value: String) -> Bool {
        value.hasPrefix("eyJ") && value.utf8.lazy.filter { $0 == UInt8(ascii: ".") }.count == 2
    }

    /// The token's claims and the issuer that vouched for them, or why not.
    func verify(
        _ token: String, snapshot: GatewaySnapshot, now: Timestamp = .now
    ) async -> Result<(claims: TokenClaims, issuer: IssuerRecord), Refusal> {
        let digest = Array(SHA256.hash(data: Data(token.utf8)))
        if let hit = verified.withLock({ $0[digest] }), now.seconds < hit.expiresAt + Self.leewaySeconds,
            let issuer = snapshot.issuers[hit.issuer], issuer.spec.url == hit.claims.issuer,
            keys.generation(of: hit.issuer) == hit.generation
        {
            return .success((hit.claims, issuer))
        }
        func refuse(
            _ message: String, hint: String? = nil
        ) -> Result<(claims: TokenClaims, issuer: IssuerRecord), Refusal> {
            .failure(Refusal(code: .invalidToken, message: message, layer: .authentication, hint: hint))
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.decodeSegment(parts[0]), let payload = Self.decodeSegment(parts[1]),
            header.object != nil, payload.object != nil
        else { return refuse("the bearer token is not a well-formed JWT (header.payload.signature, base64url JSON)") }
        let algorithm = header["alg"]?.string ?? ""
        if algorithm.lowercased() == "none" || algorithm.hasPrefix("HS") {
            return refuse(
                "the token is signed with alg '\(algorithm)', which is never accepted (unsigned and HMAC tokens are refused)",
                hint: "issuers sign with RS256, ES256 or EdDSA")
        }
        guard let claims = TokenClaims(payload: payload) else { return refuse("the token has no iss claim") }
        let issuer: IssuerRecord
        switch snapshot.issuers(addressedBy: claims) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let addressed): issuer = addressed[0]
        }
        let name = issuer.metadata.name
        guard let accepted = TokenAlgorithm(rawValue: algorithm), issuer.spec.algorithms.contains(accepted) else {
            return refuse(
                "the token is signed with alg '\(algorithm)'; Issuer '\(name)' accepts \(issuer.spec.algorithms.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if let refusal = Self.timeRefusal(payload, now: now.seconds) { return refuse(refusal) }
        var set: SigningKeys.KeySet
        switch await keys.keys(for: issuer) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let found): set = found
        }
        let kid = header["kid"]?.string
        if let kid, set.kinds[kid] == nil {
            guard let fresh = await keys.refetch(for: issuer), fresh.kinds[kid] != nil else {
                return refuse(
                    "the token names signing key '\(kid)', which Issuer '\(name)''s JWKS does not hold",
                    hint:
                        "a key the issuer just rotated in is fetched at most every \(keys.unknownKeyInterval); retry, or check the issuer"
                )
            }
            set = fresh
        } else if kid == nil, set.kinds.count > 1 {
            return refuse("the token names no signing key (kid), and Issuer '\(name)' has \(set.kinds.count)")
        }
        let kind = kid.flatMap { set.kinds[$0] } ?? set.kinds.values.first ?? ""
        guard Self.keyType(of: accepted) == kind else {
            return refuse("the token's alg '\(algorithm)' does not fit its signing key (a \(kind) key)")
        }
        do {
            _ = try await set.collection.verify(token, as: SignatureOnly.self)
        } catch {
            return refuse(
                "the token's signature does not verify with Issuer '\(name)''s key\(kid.map { " '\($0)'" } ?? "")",
                hint: "the token was altered, or signed by another key")
        }
        let expiresAt = payload["exp"]?.int.map(Int64.init) ?? now.seconds
        let entry = Verified(claims: claims, issuer: name, expiresAt: expiresAt, generation: set.generation)
        verified.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[digest] = entry
        }
        return .success((claims, issuer))
    }

    /// `exp` (required), `nbf` and `iat` against `now`, each with the leeway.
    static func timeRefusal(_ payload: JSON, now: Int64) -> String? {
        guard let exp = payload["exp"]?.int.map(Int64.init) else { return "the token has no exp claim" }
        if exp + leewaySeconds <= now {
            return
                "the token expired at \(Timestamp(seconds: exp)) (now \(Timestamp(seconds: now)), leeway \(leewaySeconds) s)"
        }
        if let nbf = payload["nbf"]?.int.map(Int64.init), nbf - leewaySeconds > now {
            return "the token is not valid before \(Timestamp(seconds: nbf)) (now \(Timestamp(seconds: now)))"
        }
        if let iat = payload["iat"]?.int.map(Int64.init), iat - leewaySeconds > now {
            return "the token was issued in the future (\(Timestamp(seconds: iat)); now \(Timestamp(seconds: now)))"
        }
        return nil
    }

    static func keyType(of algorithm: TokenAlgorithm) -> String {
        switch algorithm {
        case .rs256: return "RSA"
        case .es256: return "EC"
        case .edDSA: return "OKP"
        }
    }

    /// A base64url JSON segment, or nil.
    static func decodeSegment(_ segment: Substring) -> JSON? {
        var text = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return try? JSON.parse(Array(data))
    }
}

/// jwt-kit checks the signature only; the claims are read with the gateway's own JSON layer
/// (above), so every claim is kept as sent.
private struct SignatureOnly: JWTPayload {
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
