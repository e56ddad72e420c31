import GatewayModel
import GatewayPlan

/// The settings of teams and of the gateway that change who may call, what a call may cost, or
/// where a secret is sent, grouped over the resources they apply to.
enum AccessSettings {
    static func changes(
        before: GatewayState, after: GatewayState, plan: Plan, references: [ResourceRef: SecretReference]
    ) -> [SettingChange] {
        var groups = SettingGroups()
        let oldPolicy = before.policy ?? PolicyRecord()
        let newPolicy = after.policy ?? PolicyRecord()
        if oldPolicy.perRequestBYOK != newPolicy.perRequestBYOK {
            groups.add(
                "perRequestBYOK", widening: newPolicy.perRequestBYOK,
                newPolicy.perRequestBYOK
                    ? "per-request BYOK allowed: every key may pay with a provider key sent with the request"
                    : "per-request BYOK refused: requests carrying a provider key get per_request_byok_disabled",
                "policy")
        }
        if oldPolicy.byokRequiresPaidTier != newPolicy.byokRequiresPaidTier {
            groups.add(
                "byokRequiresPaidTier", widening: !newPolicy.byokRequiresPaidTier,
                newPolicy.byokRequiresPaidTier
                    ? "BYOK now requires a paid tier: free teams' BYOK requests get byok_requires_paid_tier"
                    : "BYOK no longer requires a paid tier", "policy")
        }
        let teams = AccessReasons.paired(before.teams, after.teams, name: { $0.metadata.name })
        for (name, old, new) in teams {
            guard let old, let new else { continue }
            compare(old, new, name: name, policies: (oldPolicy, newPolicy), into: &groups)
        }
        // Teams whose own setting did not change still follow a changed gateway default.
        if oldPolicy.dataRetention != newPolicy.dataRetention {
            let changedTeams = Set(teams.map(\.0))
            for team in after.teams where team.dataRetention == nil && !changedTeams.contains(team.metadata.name) {
                retention(oldPolicy.dataRetention, newPolicy.dataRetention, team: team.metadata.name, into: &groups)
            }
        }
        secretDestinations(before: before, after: after, plan: plan, references: references, into: &groups)
        return groups.sorted()
    }

    private static func compare(
        _ old: TeamRecord, _ new: TeamRecord, name: String, policies: (PolicyRecord, PolicyRecord),
        into groups: inout SettingGroups
    ) {
        let subject = "team/\(name)"
        retention(
            old.dataRetention ?? policies.0.dataRetention, new.dataRetention ?? policies.1.dataRetention, team: name,
            into: &groups)
        if old.tier != new.tier {
            groups.add(
                "tier", widening: new.tier == .paid, "tier \(old.tier.rawValue) → \(new.tier.rawValue)", subject)
        }
        switch (old.suspension, new.suspension) {
        case (.some, nil):
            groups.add("suspension", widening: true, "suspension lifted: its keys are served again", subject)
        case (nil, let suspension?):
            groups.add(
                "suspension", widening: false,
                "suspended (\(suspension.reason)): every key refused with team_suspended", subject)
        default: break
        }
        if old.budget != new.budget {
            groups.add(
                "budget", widening: Self.widens(old.budget, new.budget),
                "budget \(Self.describe(old.budget)) → \(Self.describe(new.budget))", subject)
        }
        if old.rateLimit != new.rateLimit {
            let widening =
                Self.widens(old.rateLimit?.requestsPerMinute, new.rateLimit?.requestsPerMinute)
                || Self.widens(old.rateLimit?.tokensPerMinute, new.rateLimit?.tokensPerMinute)
            groups.add(
                "rateLimit", widening: widening,
                "rate limit \(Self.describe(old.rateLimit)) → \(Self.describe(new.rateLimit))", subject)
        }
    }

    private static func retention(
        _ old: DataRetention, _ new: DataRetention, team: String, into groups: inout SettingGroups
    ) {
        guard old != new else { return }
        groups.add(
            "dataRetention", widening: new != .zero,
            new == .zero
                ? "zero data retention turned on: only ZDR providers serve"
                : "zero data retention turned off: providers that retain data may now serve", "team/\(team)")
    }

    /// Secrets that will be sent somewhere they were not: a provider whose `baseURL` changes takes
    /// its system secret and every team credential for it there; a secret whose value changes
    /// comes from a source the reviewer should recognise.
    private static func secretDestinations(
        before: GatewayState, after: GatewayState, plan: Plan, references: [ResourceRef: SecretReference],
        into groups: inout SettingGroups
    ) {
        let oldProviders = Dictionary(before.providers.map { ($0.metadata.name, $0) }, uniquingKeysWith: { a, _ in a })
        for provider in after.providers {
            let name = provider.metadata.name
            guard let old = oldProviders[name], old.baseURL != provider.baseURL else { continue }
            let summary =
                "secrets for provider \(name) now sent to \(provider.baseURL ?? "its default URL") (was \(old.baseURL ?? "its default URL"))"
            if provider.secret != nil { groups.add("secretDestination", widening: true, summary, "provider/\(name)") }
            for credential in after.credentials where credential.provider == name {
                groups.add(
                    "secretDestination", widening: true, summary, "credential/\(credential.team)/\(credential.name)")
            }
        }
        let oldCredentials = Dictionary(
            before.credentials.map { ($0.team + "/" + $0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for credential in after.credentials {
            guard let old = oldCredentials[credential.team + "/" + credential.name], old.provider != credential.provider
            else { continue }
            groups.add(
                "secretDestination", widening: true,
                "credential now sent to provider \(credential.provider) (was \(old.provider))",
                "credential/\(credential.team)/\(credential.name)")
        }
        for action in plan.actions where action.action != .create && action.secret == .changed {
            let source = references[action.target].map { " (now from \($0))" } ?? ""
            groups.add("secretSource", widening: true, "secret value changes\(source)", action.target.description)
        }
    }

    private static func widens(_ old: Budget?, _ new: Budget?) -> Bool {
        guard let old else { return false }
        guard let new else { return true }
        return new.limitUSD > old.limitUSD || (new.period != old.period && new.period == .total)
    }

    private static func widens(_ old: Int?, _ new: Int?) -> Bool {
        guard let old else { return false }
        guard let new else { return true }
        return new > old
    }

    static func describe(_ budget: Budget?) -> String {
        guard let budget else { return "none" }
        return "\(PeriodTotal.dollars(budget.limitUSD))/\(budget.period.rawValue)"
    }

    private static func describe(_ limit: RateLimit?) -> String {
        guard let limit, limit.requestsPerMinute != nil || limit.tokensPerMinute != nil else { return "none" }
        return [
            limit.requestsPerMinute.map { "\($0) requests/min" }, limit.tokensPerMinute.map { "\($0) tokens/min" },
        ].compactMap { $0 }.joined(separator: ", ")
    }
}

/// Setting changes grouped by what changes, over the resources it changes for.
struct SettingGroups {
    private var order: [String] = []
    private var entries: [String: SettingChange] = [:]

    mutating func add(_ aspect: String, widening: Bool, _ summary: String, _ subject: String) {
        let id = aspect + "\u{0}" + summary
        if var entry = entries[id] {
            entry.count += 1
            if entry.examples.count < AccessDiff.exampleCount { entry.examples.append(subject) }
            entries[id] = entry
            return
        }
        order.append(id)
        entries[id] = SettingChange(aspect: aspect, widening: widening, summary: summary, count: 1, examples: [subject])
    }

    /// Widening first, larger groups first.
    func sorted() -> [SettingChange] {
        order.compactMap { entries[$0] }.sorted {
            ($0.widening ? 0 : 1, -$0.count, $0.aspect, $0.summary) < (
                $1.widening ? 0 : 1, -$1.count, $1.aspect, $1.summary
            )
        }
    }
}

extension SpendExposure {
    /// The sums of budgets by period in both states. A team's budget caps its keys, so a team with
    /// one counts it alone; a team without one counts its keys' budgets.
    static func between(before: GatewayState, after: GatewayState) -> SpendExposure {
        let old = totals(before)
        let new = totals(after)
        let periods = BudgetPeriod.allCases.compactMap { period -> PeriodTotal? in
            let (a, b) = (old[period] ?? 0, new[period] ?? 0)
            guard old[period] != nil || new[period] != nil else { return nil }
            return PeriodTotal(period: period, beforeUSD: a, afterUSD: b)
        }
        return SpendExposure(periods: periods)
    }

    private static func totals(_ state: GatewayState) -> [BudgetPeriod: Double] {
        var totals: [BudgetPeriod: Double] = [:]
        var budgeted: Set<String> = []
        for team in state.teams {
            guard let budget = team.budget else { continue }
            budgeted.insert(team.metadata.name)
            totals[budget.period, default: 0] += budget.limitUSD
        }
        for key in state.apiKeys where !budgeted.contains(key.team) {
            guard let budget = key.budget else { continue }
            totals[budget.period, default: 0] += budget.limitUSD
        }
        return totals
    }
}
