import Foundation
import GatewayModel
import GatewayStore
import JWTKit

/// An OIDC issuer for `gwbench hotpath`'s JWT workloads: an ES256 key made at run time, its JWKS
/// in a file (so no network is involved), the Issuer mapping `bench/ci` in the state, and tokens
/// signed with jwt-kit.
struct BenchIssuer {
    static let url = "https://issuer.gwbench.invalid"
    static let audience = "gwbench"

    let keys: JWTKeyCollection
    let jwksFile: String

    struct Claims: JWTPayload {
        var iss: String
        var aud: String
        var sub: String
        var exp: Int
        var iat: Int
        var repository: String
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Makes the key, writes the JWKS to `directory` and the Issuer to `store`.
    static func make(in directory: URL, store: any GatewayStore) async throws -> BenchIssuer {
        let key = ES256PrivateKey()
        guard let parameters = key.publicKey.parameters else { throw BenchmarkError("no EC parameters") }
        let jwks =
            #"{"keys":[{"kty":"EC","crv":"P-256","kid":"bench-1","alg":"ES256","use":"sig","x":"\#(parameters.x)","y":"\#(parameters.y)"}]}"#
        let file = directory.appendingPathComponent("jwks.json")
        try jwks.write(to: file, atomically: true, encoding: .utf8)
        let issuer = IssuerRecord(
            metadata: ResourceMetadata(name: "bench"),
            spec: IssuerSpec(
                url: url, audiences: [audience], jwksFile: file.path,
                identities: [WorkloadIdentity(name: "ci", team: "bench", claims: ["repository": "acme/*"])]))
        _ = try await store.apply(
            Changeset(operations: [ChangeOperation(op: .create, target: .issuer("bench"), payload: .issuer(issuer))]),
            actor: "gwbench")
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: "bench-1")
        return BenchIssuer(keys: keys, jwksFile: file.path)
    }

    /// A token for `acme/<repository>`, valid for an hour; distinct repositories make distinct tokens.
    func token(repository: String) async throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        return try await keys.sign(
            Claims(
                iss: Self.url, aud: Self.audience, sub: "bench", exp: now + 3_600, iat: now,
                repository: "acme/" + repository),
            kid: "bench-1")
    }
}
