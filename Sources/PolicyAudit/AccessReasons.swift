import GatewayModel

/// Why reach changes, in words: the differences between two states in the fields admission
/// reads, each with the keys it can apply to, so that a group of changed keys names its causes.
struct AccessReasons {
    struct Reason {
        var text: String
        /// Teams whose keys it can affect; nil for every team.
        var teams: Set<String>?
        /// Keys (`team/name`) it can affect; nil for every key of those teams.
        var keys: Set<String>?
        /// The providers whose reach it can affect; nil for any.
        var providers: Set<String>?
        /// Globs of the models whose reach it can affect; nil for any.
        var models: [ModelGlob]?
        /// Whether it can only affect reach through a team's own credential.
        var byokOnly = false
        /// A key's creation, deletion or move: it explains the key's whole reach, so other reasons are left out.
        var decisive = false
        /// The order it was found in, which is the order it is told in.
        var order = 0
    }

    // Indexed by what they are scoped to, so each key looks at its own and the general ones:
    // a plan creating 100k keys has 100k key reasons, and each key must not read them all.
    private var general: [Reason] = []
    private var byTeam: [String: [Reason]] = [:]
    private var byKey: [String: [Reason]] = [:]
    private var count = 0

    /// - Parameter keys: the keys the plan creates, changes or deletes, on each side; the state's
    ///   other keys are the same before and after, and are not compared.
    init(before: GatewayState, after: GatewayState, keys: (before: [APIKeyRecord], after: [APIKeyRecord])) {
        compareProviders(before.providers, after.providers)
        let freeTeams = Set((before.teams + after.teams).filter { $0.tier == .free }.map(\.metadata.name))
        comparePolicy(before.policy, after.policy, freeTeams: freeTeams)
        compareRules(before.rules, after.rules)
        compareTeams(before.teams, after.teams)
        compareCredentials(before.credentials, after.credentials)
        compareKeys(keys.before, keys.after)
    }

    /// The reasons that can explain `change` of `key`'s (`team/name`) reach: those whose scope holds the key's
    /// team, the key, the provider and one of the models.
    func applying(to team: String, key: String, change: AccessDiff.Difference) -> [String] {
        let byok = change.before?.kind == .teamBYOK || change.after?.kind == .teamBYOK
        var candidates = general + (byTeam[team] ?? []) + (byKey[key] ?? [])
        if byTeam[team] != nil || byKey[key] != nil { candidates.sort { $0.order < $1.order } }
        let applying = candidates.filter { reason in
            (reason.teams?.contains(team) ?? true) && (reason.keys?.contains(key) ?? true)
                && (reason.providers?.contains(change.provider) ?? true) && (!reason.byokOnly || byok)
                && (reason.models.map { globs in
                    change.models.contains { model in globs.contains { $0.matches(model) } }
                }
                    ?? true)
        }
        let decisive = applying.filter(\.decisive)
        return (decisive.isEmpty ? applying : decisive).map(\.text)
    }

    private mutating func add(
        _ text: String, teams: Set<String>? = nil, keys: Set<String>? = nil, provider: String? = nil,
        providers: Set<String>? = nil, models: [String]? = nil, byokOnly: Bool = false, decisive: Bool = false
    ) {
        let reason = Reason(
            text: text, teams: teams, keys: keys, providers: provider.map { [$0] } ?? providers,
            models: models.map { $0.map(ModelGlob.init) }, byokOnly: byokOnly, decisive: decisive, order: count)
        count += 1
        if let keys {
            for key in keys { byKey[key, default: []].append(reason) }
        } else if let teams {
            for team in teams { byTeam[team, default: []].append(reason) }
        } else {
            general.append(reason)
        }
    }

    /// What two versions of a list add and remove; nil (anything) when either is absent.
    private static func changed(_ before: [String]?, _ after: [String]?) -> [String]? {
        guard let before, let after else { return nil }
        return after.filter { !before.contains($0) } + before.filter { !after.contains($0) }
    }

    /// `now includes a, b; no longer includes c`, or nil when the lists hold the same entries.
    static func listChange(_ before: [String]?, _ after: [String]?, all: String) -> String? {
        switch (before, after) {
        case (nil, nil): return nil
        case (nil, let after?): return "is now limited to \(after.joined(separator: ", ")) (was \(all))"
        case (let before?, nil): return "is removed: \(all) (was \(before.joined(separator: ", ")))"
        case (let before?, let after?):
            let added = after.filter { !before.contains($0) }
            let removed = before.filter { !after.contains($0) }
            var parts: [String] = []
            if !added.isEmpty { parts.append("now includes \(added.joined(separator: ", "))") }
            if !removed.isEmpty { parts.append("no longer includes \(removed.joined(separator: ", "))") }
            return parts.isEmpty ? nil : parts.joined(separator: "; ")
        }
    }

    private mutating func compareProviders(_ before: [ProviderRecord], _ after: [ProviderRecord]) {
        for (name, old, new) in Self.paired(before, after, name: { $0.metadata.name }) {
            switch (old, new) {
            case (nil, let new?):
                add(
                    "provider \(name) is new, serving \(new.models.map(\.id).joined(separator: ", "))", provider: name)
            case (.some, nil): add("provider \(name) is deleted", provider: name)
            case (let old?, let new?):
                let (oldModels, newModels) = (old.models.map(\.id), new.models.map(\.id))
                if let change = Self.listChange(oldModels, newModels, all: "") {
                    add(
                        "provider \(name): models \(change)", provider: name,
                        models: Self.changed(oldModels, newModels))
                }
                if old.zeroDataRetention != new.zeroDataRetention {
                    add(
                        "provider \(name) \(new.zeroDataRetention ? "now offers" : "no longer offers") zero data retention",
                        provider: name)
                }
                if (old.secret == nil) != (new.secret == nil) {
                    add(
                        "provider \(name): system credential \(new.secret == nil ? "removed" : "added")",
                        provider: name)
                }
            default: break
            }
        }
    }

    private mutating func comparePolicy(_ before: PolicyRecord?, _ after: PolicyRecord?, freeTeams: Set<String>) {
        let old = before ?? PolicyRecord()
        let new = after ?? PolicyRecord()
        if old.dataRetention != new.dataRetention {
            add("the gateway's default data retention is now \(new.dataRetention.rawValue)")
        }
        if old.byokRequiresPaidTier != new.byokRequiresPaidTier {
            add(
                "BYOK \(new.byokRequiresPaidTier ? "now requires" : "no longer requires") a paid tier",
                teams: freeTeams,
                byokOnly: true)
        }
    }

    private mutating func compareRules(_ before: [RuleRecord], _ after: [RuleRecord]) {
        for (name, old, new) in Self.paired(before, after, name: { $0.metadata.name }) {
            let versions = [old, new].compactMap { $0 }
            let teams = Self.scope(versions.map(\.match.teams))
            let keys = Self.scope(versions.map(\.match.keys))
            let scopeTeams =
                keys.map { Set($0.compactMap { $0.split(separator: "/").first.map(String.init) }) } ?? teams
            let models = Self.scope(versions.map { Self.modelsTouched(by: $0) }).map { Array($0) }
            switch (old, new) {
            case (nil, let new?):
                add("rule \(name) is new: it \(Self.describe(new))", teams: scopeTeams, keys: keys, models: models)
            case (let old?, nil):
                add(
                    "rule \(name) is deleted (it \(Self.describe(old)))", teams: scopeTeams, keys: keys, models: models)
            case (let old?, let new?)
            where old.match != new.match || old.action != new.action || old.priority != new.priority:
                add(
                    "rule \(name) now \(Self.describe(new)) (it \(Self.describe(old)))", teams: scopeTeams, keys: keys,
                    models: models)
            default: break
            }
        }
    }

    private mutating func compareTeams(_ before: [TeamRecord], _ after: [TeamRecord]) {
        for (name, old, new) in Self.paired(before, after, name: { $0.metadata.name }) {
            let scope: Set<String> = [name]
            switch (old, new) {
            case (nil, .some): add("team \(name) is new", teams: scope)
            case (.some, nil): add("team \(name) is deleted", teams: scope)
            case (let old?, let new?):
                if let change = Self.listChange(old.models, new.models, all: "every model") {
                    add(
                        "team \(name): model allowlist \(change)", teams: scope,
                        models: Self.changed(old.models, new.models))
                }
                if let change = Self.listChange(old.providers, new.providers, all: "every provider") {
                    add(
                        "team \(name): provider allowlist \(change)", teams: scope,
                        providers: Self.changed(old.providers, new.providers).map(Set.init))
                }
                if old.dataRetention != new.dataRetention {
                    add(
                        "team \(name): data retention is now \(new.dataRetention?.rawValue ?? "the gateway default")",
                        teams: scope)
                }
                if old.tier != new.tier {
                    add(
                        "team \(name): tier is now \(new.tier.rawValue) (was \(old.tier.rawValue))", teams: scope,
                        byokOnly: true)
                }
            default: break
            }
        }
    }

    private mutating func compareCredentials(_ before: [CredentialRecord], _ after: [CredentialRecord]) {
        for (_, old, new) in Self.paired(before, after, name: { $0.team + "/" + $0.name }) {
            switch (old, new) {
            case (nil, let new?):
                add(
                    "team \(new.team): credential \(new.name) for \(new.provider) is new", teams: [new.team],
                    provider: new.provider)
            case (let old?, nil):
                add(
                    "team \(old.team): credential \(old.name) for \(old.provider) is deleted", teams: [old.team],
                    provider: old.provider)
            case (let old?, let new?) where old.provider != new.provider:
                add(
                    "team \(new.team): credential \(new.name) is now for \(new.provider) (was \(old.provider))",
                    teams: [new.team], providers: [new.provider, old.provider])
            default: break
            }
        }
    }

    private mutating func compareKeys(_ before: [APIKeyRecord], _ after: [APIKeyRecord]) {
        let pairs = Self.paired(before, after, name: { $0.team + "/" + $0.name })
        var deletedTeams: [String: String] = [:]
        var createdTeams: [String: String] = [:]
        for (_, old, new) in pairs {
            if let old, new == nil { deletedTeams[old.name] = old.team }
            if let new, old == nil { createdTeams[new.name] = new.team }
        }
        for (qualified, old, new) in pairs {
            switch (old, new) {
            case (nil, let new?):
                if let from = deletedTeams[new.name] {
                    add(
                        "key \(new.name) moves from team \(from) to team \(new.team) (a new secret is minted)",
                        keys: [qualified], decisive: true)
                } else {
                    add("the key is new", keys: [qualified], decisive: true)
                }
            case (let old?, nil):
                if let to = createdTeams[old.name] {
                    add("key \(old.name) moves from team \(old.team) to team \(to)", keys: [qualified], decisive: true)
                } else {
                    add("the key is deleted", keys: [qualified], decisive: true)
                }
            case (let old?, let new?):
                if let change = Self.listChange(old.models, new.models, all: "the team's models") {
                    add(
                        "the key's models \(change)", keys: [qualified],
                        models: Self.changed(old.models, new.models))
                }
            default: break
            }
        }
    }

    /// Records of two lists paired by name, in name order; only pairs that differ.
    static func paired<Record: Equatable>(
        _ before: [Record], _ after: [Record], name: (Record) -> String
    ) -> [(
        String, Record?, Record?
    )] {
        var old: [String: Record] = [:]
        for record in before { old[name(record)] = record }
        var result: [(String, Record?, Record?)] = []
        var seen: Set<String> = []
        for record in after {
            let key = name(record)
            seen.insert(key)
            let previous = old[key]
            if previous != record { result.append((key, previous, record)) }
        }
        for record in before where !seen.contains(name(record)) { result.append((name(record), record, nil)) }
        return result.sorted { $0.0 < $1.0 }
    }

    /// The models whose reach a rule decides: those it matches, and those it sends requests to.
    private static func modelsTouched(by rule: RuleRecord) -> [String]? {
        guard let matched = rule.match.models else { return nil }
        switch rule.action {
        case .deny: return matched
        case .rewrite(let model): return matched + [model]
        case .route(_, let fallbacks): return matched + fallbacks
        }
    }

    /// What the versions of a rule can match together; nil (everything) when one matches every team or key.
    private static func scope(_ versions: [[String]?]) -> Set<String>? {
        var union: Set<String> = []
        for version in versions {
            guard let names = version else { return nil }
            union.formUnion(names)
        }
        return union
    }

    /// `denies openai/gpt-4o for teams research`, `rewrites openai/gpt-4o to openai/gpt-5.4-mini`.
    static func describe(_ rule: RuleRecord) -> String {
        let models = rule.match.models?.joined(separator: ", ") ?? "every model"
        var scope = ""
        if let teams = rule.match.teams { scope += " for teams \(teams.joined(separator: ", "))" }
        if let keys = rule.match.keys { scope += " for keys \(keys.joined(separator: ", "))" }
        switch rule.action {
        case .deny: return "denies \(models)\(scope)"
        case .rewrite(let model): return "rewrites \(models) to \(model)\(scope)"
        case .route(let providers, let fallbacks):
            let then = fallbacks.isEmpty ? "" : ", falling back to \(fallbacks.joined(separator: ", "))"
            return "routes \(models)\(scope) to \(providers.joined(separator: ", "))\(then)"
        }
    }
}
