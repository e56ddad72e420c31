import GatewayModel
import GatewayPlan

/// The effective-access diff of a plan: every key's reach decided by the admission policy on the
/// live state and again on the planned state, the differences grouped by what changes.
///
/// Only keys a change could affect are decided again: every key when a provider, the policy or a
/// rule changes; otherwise the keys of teams whose settings or credentials change and the keys the
/// plan touches. A plan in sync decides nothing.
public enum AccessDiff {
    /// How many example keys a group names.
    static let exampleCount = 3

    /// The review of `plan`, made against `actual` with `desired`'s records.
    public static func review(
        _ plan: Plan, actual: GatewayState, desired: DesiredRecords,
        references: [ResourceRef: SecretReference] = [:]
    ) -> AccessReview {
        guard plan.hasChanges else { return .none }
        return review(
            plan, before: actual, after: plan.plannedState(from: actual, desired: desired), references: references)
    }

    /// The review of going from `before` to `after`, where `plan` names what changes.
    public static func review(
        _ plan: Plan, before: GatewayState, after: GatewayState, references: [ResourceRef: SecretReference] = [:]
    ) -> AccessReview {
        let scope = Scope(plan)
        let beforeKeys = scope.keys(of: before)
        let afterKeys = scope.keys(of: after)
        let reasons = AccessReasons(
            before: before, after: after, keys: (scope.planned(beforeKeys), scope.planned(afterKeys)))
        var beforeReach = ReachTable(state: before, keys: beforeKeys)
        var afterReach = ReachTable(state: after, keys: afterKeys)

        var groups = Groups()
        var compared = 0
        var changed = 0
        var unbudgeted = (before: 0, after: 0, newly: [String]())
        // Both sides sorted by (team, name): one merge walk, so each table goes team by team.
        var (b, a) = (0, 0)
        while b < beforeKeys.count || a < afterKeys.count {
            let old = b < beforeKeys.count ? beforeKeys[b] : nil
            let new = a < afterKeys.count ? afterKeys[a] : nil
            let order: Int
            switch (old, new) {
            case (let old?, let new?): order = Self.compare(old, new)
            case (.some, nil): order = -1
            default: order = 1
            }
            let beforeKey = order <= 0 ? old : nil
            let afterKey = order >= 0 ? new : nil
            if order <= 0 { b += 1 }
            if order >= 0 { a += 1 }
            let key = (beforeKey ?? afterKey)!
            let qualified = key.team + "/" + key.name
            compared += 1
            let was = beforeKey.map { beforeReach.reach(of: $0) } ?? []
            let now = afterKey.map { afterReach.reach(of: $0) } ?? []
            let wasUnbudgeted = beforeKey.map { beforeReach.spendsCreditsUnbudgeted($0, reach: was) } ?? false
            let isUnbudgeted = afterKey.map { afterReach.spendsCreditsUnbudgeted($0, reach: now) } ?? false
            if wasUnbudgeted { unbudgeted.before += 1 }
            if isUnbudgeted {
                unbudgeted.after += 1
                if !wasUnbudgeted, unbudgeted.newly.count < exampleCount { unbudgeted.newly.append(qualified) }
            }
            guard was != now else { continue }
            let differences = Self.differences(was, now)
            guard !differences.isEmpty else { continue }
            changed += 1
            for difference in differences {
                groups.add(
                    difference, key: qualified,
                    reasons: { reasons.applying(to: key.team, key: qualified, change: difference) })
            }
        }
        var spend = SpendExposure.between(before: before, after: after)
        spend.unbudgetedBefore = unbudgeted.before
        spend.unbudgetedAfter = unbudgeted.after
        spend.newlyUnbudgeted = unbudgeted.newly
        let settings = AccessSettings.changes(before: before, after: after, plan: plan, references: references)
        return AccessReview(
            keysCompared: compared, keysChanged: changed, changes: groups.sorted(), settings: settings, spend: spend)
    }

    private static func compare(_ lhs: APIKeyRecord, _ rhs: APIKeyRecord) -> Int {
        if lhs.team != rhs.team { return lhs.team < rhs.team ? -1 : 1 }
        if lhs.name != rhs.name { return lhs.name < rhs.name ? -1 : 1 }
        return 0
    }

    /// One change of one key's reach at one provider.
    struct Difference: Hashable {
        var kind: AccessChange.Kind
        var provider: String
        var models: [String]
        var before: CredentialUse?
        var after: CredentialUse?
    }

    static func differences(_ was: [ProviderReach], _ now: [ProviderReach]) -> [Difference] {
        var result: [Difference] = []
        let old = Dictionary(was.map { ($0.provider, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(now.map { ($0.provider, $0) }, uniquingKeysWith: { first, _ in first })
        for provider in Set(old.keys).union(new.keys).sorted() {
            let before = old[provider]
            let after = new[provider]
            let beforeModels = Set(before?.models ?? [])
            let afterModels = Set(after?.models ?? [])
            let gained = afterModels.subtracting(beforeModels).sorted()
            let lost = beforeModels.subtracting(afterModels).sorted()
            if !gained.isEmpty, let after {
                result.append(
                    Difference(
                        kind: .gains, provider: provider, models: gained, before: nil, after: after.credentialUse))
            }
            if !lost.isEmpty, let before {
                result.append(
                    Difference(kind: .loses, provider: provider, models: lost, before: before.credentialUse, after: nil)
                )
            }
            if let before, let after, before.credentialUse != after.credentialUse {
                let kept = beforeModels.intersection(afterModels).sorted()
                if !kept.isEmpty {
                    result.append(
                        Difference(
                            kind: .credential, provider: provider, models: kept, before: before.credentialUse,
                            after: after.credentialUse))
                }
            }
        }
        return result
    }

    /// Which keys to decide again.
    struct Scope {
        /// Every key: a provider, the policy or a rule changes.
        var everything = false
        var teams: Set<String> = []
        var keys: Set<ResourceRef> = []

        init(_ plan: Plan) {
            for action in plan.actions {
                switch action.target.kind {
                case .provider, .policy, .rule, .issuer: everything = true
                case .team: teams.insert(action.target.name)
                case .credential: teams.insert(action.target.team ?? "")
                case .apiKey: keys.insert(action.target)
                }
            }
        }

        /// Whether the plan can change what the key `team/name` reaches.
        func contains(team: String, key: String) -> Bool {
            everything || teams.contains(team) || (!keys.isEmpty && keys.contains(.apiKey(team: team, name: key)))
        }

        /// Those of `keys` the plan itself creates, changes or deletes.
        func planned(_ records: [APIKeyRecord]) -> [APIKeyRecord] {
            guard !keys.isEmpty else { return [] }
            return records.filter { keys.contains(.apiKey(team: $0.team, name: $0.name)) }
        }

        /// The keys of `state` in scope, by (team, name).
        func keys(of state: GatewayState) -> [APIKeyRecord] {
            // Workload identities act as keys of their teams, so they are reviewed like keys.
            let all = state.issuers.isEmpty ? state.apiKeys : state.apiKeys + state.identityKeys
            let chosen =
                everything
                ? all
                : all.filter {
                    teams.contains($0.team) || (!keys.isEmpty && keys.contains(.apiKey(team: $0.team, name: $0.name)))
                }
            return chosen.sorted { ($0.team, $0.name) < ($1.team, $1.name) }
        }
    }

    /// The groups being built: one per distinct difference.
    struct Groups {
        /// Reasons kept per group; the rest are counted, so 10,000 distinct reasons stay one line.
        static let reasonsKept = 10

        private var order: [Difference] = []
        private var entries: [Difference: AccessChange] = [:]
        private var seen: [Difference: Set<String>] = [:]
        private var omitted: [Difference: Int] = [:]

        mutating func add(_ difference: Difference, key: String, reasons: () -> [String]) {
            if var entry = entries[difference] {
                entry.keys += 1
                if entry.examples.count < AccessDiff.exampleCount { entry.examples.append(key) }
                for reason in reasons() where seen[difference, default: []].insert(reason).inserted {
                    if entry.reasons.count < Self.reasonsKept {
                        entry.reasons.append(reason)
                    } else {
                        omitted[difference, default: 0] += 1
                    }
                }
                entries[difference] = entry
                return
            }
            let widening: Bool
            switch difference.kind {
            case .gains: widening = true
            case .loses: widening = false
            case .credential: widening = difference.after?.kind == .system && difference.before?.kind != .system
            }
            order.append(difference)
            let first = reasons()
            seen[difference] = Set(first)
            entries[difference] = AccessChange(
                kind: difference.kind, widening: widening, provider: difference.provider, models: difference.models,
                before: difference.before, after: difference.after, keys: 1, examples: [key],
                reasons: Array(first.prefix(Self.reasonsKept)))
            if first.count > Self.reasonsKept { omitted[difference] = first.count - Self.reasonsKept }
        }

        /// Widening first, then credential changes, then losses; larger groups first.
        func sorted() -> [AccessChange] {
            func rank(_ change: AccessChange) -> Int {
                change.widening ? 0 : change.kind == .credential ? 1 : 2
            }
            return order.compactMap { difference -> AccessChange? in
                guard var entry = entries[difference] else { return nil }
                if let more = omitted[difference] { entry.reasons.append("… and \(more) more reasons") }
                return entry
            }.sorted {
                (rank($0), -$0.keys, $0.provider, $0.models.joined(separator: ","))
                    < (rank($1), -$1.keys, $1.provider, $1.models.joined(separator: ","))
            }
        }
    }
}

extension ProviderReach {
    var credentialUse: CredentialUse { CredentialUse(kind: credentialKind, name: credentialName) }
}
