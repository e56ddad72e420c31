import Foundation
import GatewayModel

/// The per-key part of an audit for a run of teams. Teams share nothing here (reach and allowed
/// models are cached per team), so large audits split the teams across cores; shares come back
/// in team order, so the report does not depend on the split.
struct TeamShare {
    var keys: [KeyAudit] = []
    var findings: [Finding] = []
    var usedCredentials: Set<String> = []

    /// Below this many keys one core is faster than starting others.
    static let parallelKeys = 5_000

    static func audit(_ teams: [TeamRecord], index: PolicyIndex, options: Audit.Options) -> [TeamShare] {
        let parts = index.state.apiKeys.count < parallelKeys ? 1 : min(8, ProcessInfo.processInfo.activeProcessorCount)
        guard parts > 1, teams.count > 1 else { return [audit(teams[...], index: index, options: options)] }
        let bounds = (0...parts).map { teams.count * $0 / parts }
        let shares = UnsafeMutableBufferPointer<TeamShare>.allocate(capacity: parts)
        shares.initialize(repeating: TeamShare())
        defer { shares.deallocate() }
        // Safe: each iteration writes only its own slot, and concurrentPerform returns after all of them.
        nonisolated(unsafe) let slots = shares
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            slots[part] = audit(teams[bounds[part]..<bounds[part + 1]], index: index, options: options)
        }
        return Array(shares)
    }

    private static func audit(_ teams: ArraySlice<TeamRecord>, index: PolicyIndex, options: Audit.Options) -> TeamShare
    {
        var share = TeamShare()
        var reach = KeyReach(index: index)
        var keyFindings = KeyFindings(index: index, options: options)
        for team in teams {
            let name = team.metadata.name
            for key in index.keysByTeam[name] ?? [] {
                let reached = reach.reach(of: key, team: team)
                for entry in reached where entry.credentialKind == .teamBYOK {
                    if let credential = entry.credentialName { share.usedCredentials.insert(name + "/" + credential) }
                }
                let issuer = index.identityIssuers[key.team + "/" + key.name]
                // A workload's token expires by itself; "never expires" is about stored secrets.
                share.findings += keyFindings.findings(for: key, team: team).filter {
                    issuer == nil || $0.code != .keyNoExpiry
                }
                guard options.keyRows else { continue }
                let status: KeyAudit.Status =
                    team.suspension != nil
                    ? .teamSuspended : key.expiresAt.map { options.now < $0 } == false ? .expired : .active
                share.keys.append(
                    KeyAudit(
                        team: key.team, name: key.name, prefix: key.prefix, managedBy: key.status?.managedBy,
                        createdAt: key.status?.createdAt, expiresAt: key.expiresAt, lastUsedAt: key.lastUsedAt,
                        retiringSecrets: key.retiringSecrets(at: options.now), status: status,
                        reach: status == .active ? reached : [], issuer: issuer))
            }
        }
        return share
    }
}
