import GatewayModel

/// Findings about teams, their credentials and the globs in their allowlists.
struct TeamFindings {
    let index: PolicyIndex

    func findings(usedCredentials: Set<String>) -> [Finding] {
        var findings: [Finding] = []
        for team in index.teams {
            findings += zeroRetention(team)
            findings += modelGlobs(team)
            findings += missingCredentials(team)
            findings += credentials(team, used: usedCredentials)
        }
        for provider in index.state.providers where provider.models.isEmpty {
            findings.append(
                Finding(
                    .providerWithoutModels, .warning, .provider(provider.metadata.name),
                    "Provider '\(provider.metadata.name)' lists no models, so no request can reach it",
                    fix: "list the models it serves in spec.models, or remove the provider"))
        }
        return findings
    }

    private func zeroRetention(_ team: TeamRecord) -> [Finding] {
        let name = team.metadata.name
        guard index.snapshot.retention(of: team) == .zero, !index.state.providers.isEmpty else { return [] }
        guard !index.providersAllowed(for: team).contains(where: \.zeroDataRetention) else { return [] }
        let origin = team.dataRetention == nil ? " (inherited from the GatewayPolicy)" : ""
        return [
            Finding(
                .zdrUnsatisfiable, .error, .team(name),
                field: team.dataRetention != nil ? "dataRetention" : team.providers != nil ? "providers" : nil,
                "Team '\(name)' requires zero data retention\(origin), but none of the providers it may use has zeroDataRetention: true; every request is refused with zdr_unsatisfiable",
                fix: "allow a provider with zeroDataRetention: true in the team's spec.providers")
        ]
    }

    private func modelGlobs(_ team: TeamRecord) -> [Finding] {
        guard let globs = team.models, !index.state.providers.isEmpty else { return [] }
        let name = team.metadata.name
        let reachable = index.models(servedBy: team.providers)
        var findings: [Finding] = []
        for (position, glob) in globs.enumerated() where !reachable.contains(where: ModelGlob(glob).matches) {
            findings.append(
                Finding(
                    .globMatchesNothing, .warning, .team(name), field: "models[\(position)]",
                    "'\(glob)' matches no model served by the providers Team '\(name)' may use",
                    fix: "correct the glob, or remove it"))
        }
        return findings
    }

    /// Providers the team names explicitly but cannot call: no BYOK of its own and no system credential.
    private func missingCredentials(_ team: TeamRecord) -> [Finding] {
        guard let names = team.providers else { return [] }
        let name = team.metadata.name
        var findings: [Finding] = []
        for (position, providerName) in names.enumerated() {
            guard let provider = index.snapshot.providers[providerName] else { continue }
            let owned = !index.snapshot.credentials(team: name, provider: providerName).isEmpty
            guard !owned, provider.secret == nil, provider.type != .mock else { continue }
            let perRequest = index.policy.perRequestBYOK
            findings.append(
                Finding(
                    .providerWithoutCredential, perRequest ? .warning : .error, .team(name),
                    field: "providers[\(position)]",
                    "Team '\(name)' allows provider '\(providerName)', but has no BYOK credential for it and the provider has no system credential; "
                        + (perRequest
                            ? "only requests that carry their own provider key can use it"
                            : "every request routed there is refused with no_credential"),
                    fix: "add a byok credential for '\(providerName)' to the team, or a system secret to the provider"))
        }
        return findings
    }

    private func credentials(_ team: TeamRecord, used: Set<String>) -> [Finding] {
        let name = team.metadata.name
        let credentials = index.credentialsByTeam[name] ?? []
        var findings: [Finding] = []
        let refusedForTier = index.policy.byokRequiresPaidTier && team.tier == .free
        for credential in credentials {
            let ref = ResourceRef.credential(team: name, name: credential.name)
            if refusedForTier {
                findings.append(
                    Finding(
                        .byokFreeTier, .warning, ref,
                        "BYOK credential '\(name)/\(credential.name)' is on a free-tier team, and the GatewayPolicy sets byokRequiresPaidTier; requests are refused with byok_requires_paid_tier",
                        fix: "set the team's tier to paid, or remove the credential"))
                continue
            }
            guard !used.contains(name + "/" + credential.name) else { continue }
            findings.append(
                Finding(
                    .byokUnusable, .warning, ref,
                    "BYOK credential '\(name)/\(credential.name)' for provider '\(credential.provider)' is used by no key of team '\(name)': "
                        + reason(credential, team: team),
                    fix: "remove the credential, or change the team's keys or allowlists so one can use it"))
        }
        return findings
    }

    private func reason(_ credential: CredentialRecord, team: TeamRecord) -> String {
        let name = team.metadata.name
        if let first = index.snapshot.credentials(team: name, provider: credential.provider).first,
            first.name != credential.name
        {
            return "the team's credential '\(first.name)' for the same provider sorts first and is always used"
        }
        if let providers = team.providers, !providers.contains(credential.provider) {
            return "the team's spec.providers does not allow '\(credential.provider)'"
        }
        if (index.keysByTeam[name] ?? []).isEmpty { return "the team has no keys" }
        return "no model its keys may use is routed to '\(credential.provider)'"
    }
}
