import GatewayModel

/// Findings about one API key: its lifecycle, its ownership, and whether its model list can match anything.
struct KeyFindings {
    let index: PolicyIndex
    let options: Audit.Options
    /// Models each team may use, by team name: computed once per team, not per key.
    private var allowedByTeam: [String: [String]] = [:]

    init(index: PolicyIndex, options: Audit.Options) {
        self.index = index
        self.options = options
    }

    mutating func findings(for key: APIKeyRecord, team: TeamRecord) -> [Finding] {
        let ref = ResourceRef.apiKey(team: key.team, name: key.name)
        let name = key.team + "/" + key.name
        var findings: [Finding] = []
        let now = options.now
        if let expiry = key.expiresAt {
            if !(now < expiry) {
                findings.append(
                    Finding(
                        .keyExpired, .warning, ref, field: "expiresAt",
                        "key '\(name)' expired at \(expiry); the gateway refuses it with key_expired",
                        fix: "remove the key, or set a later expiresAt and rotate it"))
            } else if expiry.seconds - now.seconds < Int64(options.expiringWithinDays) * 86_400 {
                let days = (expiry.seconds - now.seconds) / 86_400
                findings.append(
                    Finding(
                        .keyExpiring, .warning, ref, field: "expiresAt",
                        "key '\(name)' expires at \(expiry), in \(days == 0 ? "less than a day" : days == 1 ? "1 day" : "\(days) days")",
                        fix: "set a later expiresAt, or mint its replacement now"))
            }
        } else {
            findings.append(
                Finding(
                    .keyNoExpiry, .info, ref, "key '\(name)' never expires",
                    fix: "set expiresAt, so a leaked key stops working by itself"))
        }
        if let status = key.status {
            if let days = options.unusedDays {
                let threshold = now.seconds - Int64(days) * 86_400
                if let used = key.lastUsedAt, used.seconds < threshold {
                    findings.append(
                        Finding(
                            .keyUnused, .warning, ref,
                            "key '\(name)' was last used at \(used), more than \(days) days ago",
                            fix: "revoke the key if nobody needs it"))
                } else if key.lastUsedAt == nil, status.createdAt.seconds < threshold {
                    findings.append(
                        Finding(
                            .keyUnused, .warning, ref,
                            "key '\(name)' was created at \(status.createdAt) and has never been used",
                            fix: "revoke the key if nobody needs it"))
                }
            }
            if status.managedBy != ManagedBy.gwctl {
                findings.append(
                    Finding(
                        .keyUnmanaged, .warning, ref,
                        "key '\(name)' is not managed by gwctl (managedBy: \(status.managedBy)); no manifest describes it",
                        fix: "adopt it with gwctl export, or revoke it"))
            }
        }
        for secret in key.retiringSecrets(at: now) ?? [] {
            findings.append(
                Finding(
                    .keySecretRetiring, .info, ref,
                    "key '\(name)' was rotated at \(secret.rotatedAt); its previous secret (\(secret.prefix)…) works until \(secret.retiresAt), then answers key_rotated",
                    fix: "make sure every caller has the new secret (\(key.prefix ?? "gw_…")…) before then"))
        }
        if let suspension = team.suspension {
            findings.append(
                Finding(
                    .keyTeamSuspended, .warning, ref,
                    "key '\(name)' belongs to suspended team '\(key.team)' (\(suspension.reason)); it is refused with team_suspended",
                    fix: "revoke the key if the suspension is permanent"))
        }
        findings += modelGlobs(key, team: team, ref: ref)
        return findings
    }

    private mutating func modelGlobs(_ key: APIKeyRecord, team: TeamRecord, ref: ResourceRef) -> [Finding] {
        guard let globs = key.models, !index.state.providers.isEmpty else { return [] }
        let allowed: [String]
        if let known = allowedByTeam[key.team] {
            allowed = known
        } else {
            allowed = index.modelsAllowed(for: team)
            allowedByTeam[key.team] = allowed
        }
        let matching = globs.map { glob in allowed.contains(where: ModelGlob(glob).matches) }
        if !matching.contains(true) {
            return [
                Finding(
                    .keyModelsUnreachable, .error, ref, field: "models",
                    "the models of key '\(key.team)/\(key.name)' (\(globs.joined(separator: ", "))) match nothing Team '\(key.team)' allows, so every request with it is refused",
                    fix: "list models the team allows, or widen the team's spec.models")
            ]
        }
        return matching.enumerated().compactMap { position, matched in
            matched
                ? nil
                : Finding(
                    .globMatchesNothing, .warning, ref, field: "models[\(position)]",
                    "'\(globs[position])' matches no model that Team '\(key.team)' allows",
                    fix: "correct the glob, or remove it")
        }
    }
}
