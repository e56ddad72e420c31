import GatewayModel

/// Step 5 of admission: credentials (docs/data-plane.md, "Admission, in order").
extension AdmissionPolicy {
    /// Step 5: a credential for each offer, the team's BYOK first; the route is every offer that has one.
    func chooseCredentials(
        _ offers: [ModelOffer], request: AdmissionRequest, team: TeamRecord, _ admission: inout Admission
    ) {
        let teamName = team.metadata.name
        if request.carriesCredential, !snapshot.policy.perRequestBYOK {
            admission.refuse(
                Refusal(
                    code: .perRequestBYOKDisabled,
                    message:
                        "the request carries a provider credential, and the gateway policy does not allow per-request BYOK",
                    layer: .credential,
                    hint: "drop the credential header, or set perRequestBYOK: true in the GatewayPolicy"))
            return
        }
        var firstRefusal: Refusal?
        for offer in offers {
            switch credential(for: offer, request: request, team: team) {
            case .success(let candidate):
                let paid = candidate.paidFromCredits ? "system credential, paid from credits" : "BYOK"
                let name = candidate.credentialName.map { " '\(teamName)/\($0)'" } ?? ""
                admission.pass(
                    .credential,
                    "\(candidate.provider) for '\(candidate.model)': \(candidate.credentialKind.rawValue)\(name) (\(paid))"
                )
                admission.route.append(candidate)
            case .failure(let refusal):
                admission.note(.credential, "\(offer.provider.metadata.name) skipped: \(refusal.message)")
                if firstRefusal == nil { firstRefusal = refusal }
                if forAdmin, refusal.code == .noCredential {
                    for other in snapshot.credentials(provider: offer.provider.metadata.name, notOf: teamName) {
                        admission.note(
                            .credential,
                            "team '\(other.team)' holds credential '\(other.team)/\(other.name)' for provider '\(other.provider)': "
                                + "the key belongs to team '\(teamName)'. If that credential was meant, use a key of team "
                                + "'\(other.team)', or give team '\(teamName)' its own credential")
                    }
                }
            }
        }
        if admission.route.isEmpty, let firstRefusal { admission.refuse(firstRefusal) }
    }

    /// The credential that would serve `offer` for this request, or why there is none.
    private func credential(
        for offer: ModelOffer, request: AdmissionRequest, team: TeamRecord
    ) -> Result<RouteCandidate, Refusal> {
        let provider = offer.provider.metadata.name
        let teamName = team.metadata.name
        func candidate(_ kind: UsageRecord.CredentialKind, _ name: String? = nil) -> RouteCandidate {
            RouteCandidate(
                provider: provider, model: offer.model.id, upstreamModel: offer.model.upstreamName,
                credentialKind: kind, credentialName: name)
        }
        let owned = snapshot.credentials(team: teamName, provider: provider)
        if request.carriesCredential || !owned.isEmpty {
            if snapshot.policy.byokRequiresPaidTier, team.tier == .free {
                return .failure(
                    Refusal(
                        code: .byokRequiresPaidTier,
                        message:
                            "team '\(teamName)' is on the free tier, and the gateway policy allows BYOK only on paid tiers",
                        layer: .credential,
                        hint: "set the team's tier to paid, or byokRequiresPaidTier: false in the GatewayPolicy"))
            }
            if request.carriesCredential { return .success(candidate(.requestBYOK)) }
            return .success(candidate(.teamBYOK, owned[0].name))
        }
        if offer.provider.type == .mock || offer.provider.secret != nil { return .success(candidate(.system)) }
        return .failure(
            Refusal(
                code: .noCredential,
                message:
                    "team '\(teamName)' has no credential for provider '\(provider)', and '\(provider)' has no system credential",
                layer: .credential,
                hint: "add a byok credential for '\(provider)' to team '\(teamName)', or pass one with the request"))
    }
}
