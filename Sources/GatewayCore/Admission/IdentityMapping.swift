import GatewayModel

/// Step 1 for a workload's token: which identity its claims map to, by the first matching entry
/// of the issuers that trust its `iss` and `aud`. Signature and times are the data plane's to
/// verify before; this is the part `gwctl explain --claims` shares with it.
struct IdentityMapping {
    let snapshot: GatewaySnapshot

    /// The identity, as the key it stands for; nil with an `invalid_token` refusal naming the
    /// claims that were checked (never the token).
    func identity(for claims: TokenClaims, _ admission: inout Admission) -> APIKeyRecord? {
        let trusting = snapshot.issuers(url: claims.issuer)
        guard !trusting.isEmpty else {
            admission.refuse(
                Refusal(
                    code: .invalidToken, message: "no Issuer trusts tokens from '\(claims.issuer)'",
                    layer: .authentication,
                    hint: "declare an Issuer with url: \(claims.issuer), or use a gateway API key"))
            return nil
        }
        let audiences = claims.values["aud"] ?? []
        let addressed = trusting.filter { issuer in issuer.spec.audiences.contains { audiences.contains($0) } }
        guard !addressed.isEmpty else {
            admission.refuse(
                Refusal(
                    code: .invalidToken,
                    message:
                        "the token's audience (\(audiences.joined(separator: ", "))) is not one Issuer '\(trusting[0].metadata.name)' accepts",
                    layer: .authentication,
                    hint:
                        "request the token for one of \(trusting[0].spec.audiences.joined(separator: ", ")), or add its audience to the Issuer"
                ))
            return nil
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
