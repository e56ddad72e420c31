import GatewayCore
import GatewayModel

/// Admin callers that authenticate with an OIDC token: the issuers' `admin` grants decide the
/// role by claims, first match wins (docs/workload-identity.md).
struct AdminIdentities: Sendable {
    let cache: SnapshotCache
    let verifier: TokenVerifier

    /// The principal a token maps to, or the `invalid_token` (or `issuer_unavailable`) refusal.
    /// The principal's name records issuer, grant and subject, for the audit log.
    func principal(for token: String) async -> Result<AdminPrincipal, Refusal> {
        let snapshot: GatewaySnapshot
        do {
            snapshot = try await cache.current()
        } catch {
            return .failure(
                Refusal(
                    code: .stateUnavailable, message: "the gateway state cannot be read to check the token",
                    layer: .authentication))
        }
        let verified: (claims: TokenClaims, issuer: IssuerRecord)
        switch await verifier.verify(token, snapshot: snapshot) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let value): verified = value
        }
        let (claims, issuer) = verified
        var checked: Set<String> = []
        for grant in issuer.spec.admin {
            guard grant.claims.hold(for: claims) else {
                checked.formUnion(grant.claims.keys)
                continue
            }
            let subject = claims.subject.map { " sub=\($0)" } ?? ""
            return .success(
                AdminPrincipal(name: "oidc:\(issuer.metadata.name)/\(grant.name)\(subject)", role: grant.role))
        }
        return .failure(
            Refusal(
                code: .invalidToken,
                message: checked.isEmpty
                    ? "Issuer '\(issuer.metadata.name)' grants no admin access"
                    : "no admin grant of Issuer '\(issuer.metadata.name)' matches the token's claims (\(claims.described(for: checked)))",
                layer: .authentication, hint: "add a grant whose claims match to the Issuer's spec.admin"))
    }
}
