import GatewayModel

/// Step 1 for a workload's token: which identity its claims map to, by the first matching entry
/// of the issuers that trust its `iss` and `aud`. Signature and times are the data plane's to
/// verify before; this is the part `gwctl explain --claims` shares with it.
struct IdentityMapping {
    let snapshot: GatewaySnapshot

    /// The identity, as the key it stands for; nil with an `invalid_token` refusal naming the
    /// claims that were checked (never the token).
    func identity(for claims: TokenClaims, _ admission: inout Admission) -> APIKeyRecord? {
        let addressed: [IssuerRecord]
        switch snapshot.issuers(addressedBy: claims) {
        case .failure(let refusal):
            admission.refuse(refusal)
            return nil
        case .success(let found): addressed = found
        }
        var checked: Set<String> = []
        for issuer in addressed {
            for (index, identity) in issuer.spec.identities.enumerated() {
                guard identity.claims.hold(for: claims) else {
                    checked.formUnion(identity.claims.keys)
                    continue
                }
                admission.note(
                    .authentication,
                    "Issuer '\(issuer.metadata.name)' identities[\(index)] matched (\(claims.described(for: identity.claims.keys)))"
                )
                return snapshot.key(named: identity.qualifiedName) ?? identity.asKey
            }
        }
        let names = addressed.map { "'\($0.metadata.name)'" }.joined(separator: ", ")
        admission.refuse(
            Refusal(
                code: .invalidToken,
                message: checked.isEmpty
                    ? "Issuer \(names) maps no identities"
                    : "no identity of Issuer \(names) matches the token's claims (\(claims.described(for: checked)))",
                layer: .authentication,
                hint:
                    "add an identity whose claims match to the Issuer; gwctl explain --claims shows what a claims set maps to"
            ))
        return nil
    }
}
