import GatewayModel

/// `gwctl audit --env all`: keys and BYOK credentials whose name lives in one team in one
/// environment and in another team in another. A service configured from staging's key (or a
/// credential set up for staging's team) then runs as a different team in production, which is
/// where "works in staging, 403 in production" comes from.
public enum IdentityDrift {
    /// One environment's state, by the environment's name.
    public struct Environment: Sendable {
        public var name: String
        public var state: GatewayState

        public init(name: String, state: GatewayState) {
            self.name = name
            self.state = state
        }
    }

    /// One `identity-drift` warning per key or credential name whose teams differ between
    /// environments, anchored at the resource in the first environment that has it.
    public static func findings(_ environments: [Environment]) -> [Finding] {
        var findings: [Finding] = []
        for kind in [ResourceKind.apiKey, .credential] {
            // name → environment → teams holding that name there.
            var teams: [String: [String: Set<String>]] = [:]
            for environment in environments {
                let refs: [(team: String, name: String)] =
                    kind == .apiKey
                    // A workload identity is named like a key: one in another team elsewhere drifts the same way.
                    ? (environment.state.apiKeys + environment.state.identityKeys).map { ($0.team, $0.name) }
                    : environment.state.credentials.map { ($0.team, $0.name) }
                for ref in refs { teams[ref.name, default: [:]][environment.name, default: []].insert(ref.team) }
            }
            for name in teams.keys.sorted() {
                let byEnvironment = teams[name] ?? [:]
                guard byEnvironment.count > 1 else { continue }
                // Only drift between environments: two teams of one environment holding the same
                // name is ordinary (names are per team).
                let placements = environments.compactMap { environment -> (String, [String])? in
                    byEnvironment[environment.name].map { (environment.name, $0.sorted()) }
                }
                guard Set(placements.map { $0.1 }).count > 1 else { continue }
                let (firstEnvironment, firstTeams) = placements[0]
                let noun = kind == .apiKey ? "key" : "BYOK credential"
                let whereabouts = placements.map { environment, teams in
                    "team\(teams.count == 1 ? "" : "s") \(teams.joined(separator: ", ")) in \(environment)"
                }
                let ref =
                    kind == .apiKey
                    ? ResourceRef.apiKey(team: firstTeams[0], name: name)
                    : ResourceRef.credential(team: firstTeams[0], name: name)
                findings.append(
                    Finding(
                        .identityDrift, .warning, ref,
                        "\(noun) '\(name)' is in \(whereabouts.joined(separator: " but in ")): "
                            + (kind == .apiKey
                                ? "a service set up with it in \(firstEnvironment) runs as another team elsewhere, with that team's models, budget and credentials"
                                : "keys of one team find it in \(firstEnvironment) and not elsewhere, so BYOK there falls back to system credits or is refused"),
                        fix: "keep the \(noun) in the same team in every environment (moving it is revoke + mint)"))
            }
        }
        return findings
    }
}
