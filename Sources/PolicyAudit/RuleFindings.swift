import GatewayCore
import GatewayModel

/// Findings about rules: ones that can never take effect, denies that hide later rules, rewrite
/// chains that come back to where they started, routes and fallbacks that cannot work.
///
/// Rules are read in evaluation order (ascending priority, ties by name), as admission reads them.
struct RuleFindings {
    let index: PolicyIndex
    private let policy: AdmissionPolicy

    init(index: PolicyIndex) {
        self.index = index
        policy = AdmissionPolicy(snapshot: index.snapshot)
    }

    func findings() -> [Finding] {
        let rules = index.snapshot.rules
        var findings: [Finding] = []
        var shadowed: Set<String> = []
        for (position, rule) in rules.enumerated() {
            let later = Array(rules[(position + 1)...])
            findings += contradictions(rule)
            if let shadow = shadowing(rule, at: position, in: rules, already: shadowed) {
                shadowed.insert(rule.metadata.name)
                findings.append(shadow)
            }
            switch rule.action {
            case .deny:
                findings += denyFindings(rule, later: later)
            case .rewrite(let model):
                if !index.servedModels.contains(model), !index.state.providers.isEmpty {
                    findings.append(
                        Finding(
                            .modelNotServed, .warning, ref(rule), field: "rewrite.model",
                            "Rule '\(rule.metadata.name)' rewrites to '\(model)', which no provider serves; rewritten requests fail with model_not_found",
                            fix: "rewrite to a served model"))
                }
            case .route(let providers, let fallbackModels):
                findings += routeFindings(rule, providers: providers, fallbackModels: fallbackModels)
            }
        }
        findings += rewriteLoops(rules)
        return findings
    }

    private func ref(_ rule: RuleRecord) -> ResourceRef { .rule(rule.metadata.name) }

    /// A match whose team and key conditions exclude each other.
    private func contradictions(_ rule: RuleRecord) -> [Finding] {
        guard let teams = rule.match.teams, let keys = rule.match.keys else { return [] }
        guard !keys.contains(where: { key in teams.contains { key.hasPrefix($0 + "/") } }) else { return [] }
        return [
            Finding(
                .ruleNeverMatches, .warning, ref(rule), field: "match.keys",
                "Rule '\(rule.metadata.name)' never matches: none of its keys belongs to one of its teams (\(teams.joined(separator: ", ")))",
                fix: "make match.keys and match.teams agree, or drop one of them")
        ]
    }

    /// An earlier rule that sees every request this one would see, with no rewrite in between,
    /// and either denies it or (for a route) already picked the route.
    private func shadowing(
        _ rule: RuleRecord, at position: Int, in rules: [RuleRecord], already: Set<String>
    )
        -> Finding?
    {
        for earlierPosition in stride(from: position - 1, through: 0, by: -1) {
            let earlier = rules[earlierPosition]
            if earlier.isRewrite { return nil }
            guard !already.contains(earlier.metadata.name), covers(earlier.match, rule.match) else { continue }
            switch earlier.action {
            case .deny:
                return Finding(
                    .ruleNeverMatches, .warning, ref(rule),
                    "Rule '\(rule.metadata.name)' never applies: deny rule '\(earlier.metadata.name)' (priority \(earlier.priority)) refuses every request it would match",
                    fix: "give this rule a smaller priority number than '\(earlier.metadata.name)', or narrow the deny")
            case .route where rule.isRoute:
                return Finding(
                    .ruleNeverMatches, .warning, ref(rule),
                    "Rule '\(rule.metadata.name)' never applies: route rule '\(earlier.metadata.name)' (priority \(earlier.priority)) matches every request it would, and the first route wins",
                    fix: "give this rule a smaller priority number than '\(earlier.metadata.name)', or narrow that rule"
                )
            default: continue
            }
        }
        return nil
    }

    private func denyFindings(_ rule: RuleRecord, later: [RuleRecord]) -> [Finding] {
        let name = rule.metadata.name
        if rule.match == RuleMatch() {
            let hidden = later.isEmpty ? "" : "; the \(later.count) rule(s) after it never apply"
            return [
                Finding(
                    .denyAll, .warning, ref(rule), field: "deny",
                    "Rule '\(name)' denies with no match, so it refuses every request\(hidden)",
                    fix: "add a match, or remove the rule when the freeze is over")
            ]
        }
        guard !later.isEmpty, !later.contains(where: \.isRewrite),
            later.allSatisfy({ covers(rule.match, $0.match) })
        else { return [] }
        return [
            Finding(
                .denyShadowsRules, .warning, ref(rule),
                "Rule '\(name)' denies every request that the rules after it would match, so none of them (\(later.map(\.metadata.name).joined(separator: ", "))) ever applies",
                fix: "give the deny a higher priority number than the rules it hides, or narrow its match")
        ]
    }

    private func routeFindings(_ rule: RuleRecord, providers: [String], fallbackModels: [String]) -> [Finding] {
        let name = rule.metadata.name
        guard !index.state.providers.isEmpty else { return [] }
        var findings: [Finding] = []
        let matched = index.served(matching: rule.match.models)
        if matched.isEmpty {
            findings.append(
                Finding(
                    .ruleNeverMatches, .warning, ref(rule), field: "match.models",
                    "Rule '\(name)' routes models that no provider serves (\((rule.match.models ?? []).joined(separator: ", "))), so it never applies",
                    fix: "correct match.models"))
        } else {
            for (position, provider) in providers.enumerated() {
                let serves = index.snapshot.providers[provider]?.models.contains { matched.contains($0.id) } ?? false
                guard !serves else { continue }
                findings.append(
                    Finding(
                        .routeProviderNotServing, .error, ref(rule), field: "route.providers[\(position)]",
                        "Rule '\(name)' routes to provider '\(provider)', which serves none of the models the rule matches (\(matched.sorted().joined(separator: ", ")))",
                        fix: "route to a provider that serves those models, or add them to '\(provider)'"))
            }
        }
        for (position, model) in fallbackModels.enumerated() {
            let field = "route.fallbackModels[\(position)]"
            guard index.servedModels.contains(model) else {
                findings.append(
                    Finding(
                        .modelNotServed, .warning, ref(rule), field: field,
                        "Rule '\(name)' falls back to '\(model)', which no provider serves",
                        fix: "fall back to a served model"))
                continue
            }
            let refusing = teams(of: rule).filter { !may($0, use: model) }.map(\.metadata.name)
            guard !refusing.isEmpty else { continue }
            let shown =
                refusing.prefix(5).joined(separator: ", ")
                + (refusing.count > 5 ? " and \(refusing.count - 5) more" : "")
            findings.append(
                Finding(
                    .fallbackNotAllowed, .warning, ref(rule), field: field,
                    "Rule '\(name)' falls back to '\(model)', which team(s) \(shown) may not use; the fallback is skipped for them",
                    fix: "allow '\(model)' for those teams, or choose a fallback they may use"))
        }
        return findings
    }

    /// The teams a rule can apply to.
    private func teams(of rule: RuleRecord) -> [TeamRecord] {
        var names = rule.match.teams.map(Set.init)
        if let keys = rule.match.keys {
            let owners = Set(keys.compactMap { $0.split(separator: "/").first.map(String.init) })
            names = names.map { $0.intersection(owners) } ?? owners
        }
        guard let names else { return index.teams }
        return index.teams.filter { names.contains($0.metadata.name) }
    }

    /// Whether admission would serve a fallback model to a key of the team (allowlists, ZDR, deny
    /// rules); rules that name single keys are not considered.
    private func may(_ team: TeamRecord, use model: String) -> Bool {
        policy.fallbackRefusal(model, team: team, key: APIKeyRecord(team: team.metadata.name, name: "")) == nil
    }

    /// Rewrite chains that come back to a model they already rewrote from: `a → b → a`.
    private func rewriteLoops(_ rules: [RuleRecord]) -> [Finding] {
        var starts = Set(index.servedModels)
        for rule in rules {
            if case .rewrite(let model) = rule.action { starts.insert(model) }
            for glob in rule.match.models ?? [] where ModelGlob(glob).isLiteral { starts.insert(glob) }
        }
        var findings: [Finding] = []
        var reported: Set<String> = []
        for (position, rule) in rules.enumerated() where rule.isRewrite {
            for start in starts.sorted() where Self.matchesModel(rule.match, start) {
                var model = start
                var chain = [start]
                var names = [rule.metadata.name]
                var teams = rule.match.teams.map(Set.init)
                guard case .rewrite(let first) = rule.action else { continue }
                model = first
                chain.append(model)
                for next in rules[(position + 1)...] {
                    guard case .rewrite(let target) = next.action, Self.matchesModel(next.match, model) else {
                        continue
                    }
                    if let nextTeams = next.match.teams {
                        teams = teams.map { $0.intersection(nextTeams) } ?? Set(nextTeams)
                        if teams?.isEmpty == true { break }
                    }
                    model = target
                    chain.append(model)
                    names.append(next.metadata.name)
                    if chain.dropLast().contains(model) { break }
                }
                guard chain.dropLast().contains(model), reported.insert(names.joined(separator: ",")).inserted else {
                    continue
                }
                findings.append(
                    Finding(
                        .rewriteLoop, .error, ref(rule), field: "rewrite.model",
                        "rewrite rules \(names.map { "'\($0)'" }.joined(separator: ", ")) loop: \(chain.joined(separator: " → "))",
                        fix: "rewrite straight to the final model, and drop the rewrite back"))
            }
        }
        return findings
    }

    private static func matchesModel(_ match: RuleMatch, _ model: String) -> Bool {
        match.models?.contains { ModelGlob($0).matches(model) } ?? true
    }

    /// Whether every request `inner` matches is also matched by `outer`.
    ///
    /// Globs are compared as text: an outer glob covers an inner one when it matches the inner
    /// pattern itself (`openai/*` covers `openai/gpt-4*`); a `?` in the outer glob needs equality.
    private func covers(_ outer: RuleMatch, _ inner: RuleMatch) -> Bool {
        if let outerModels = outer.models {
            guard let innerModels = inner.models else { return false }
            let coveredAll = innerModels.allSatisfy { glob in
                outerModels.contains { candidate in
                    candidate == glob || (!candidate.contains("?") && ModelGlob(candidate).matches(glob))
                }
            }
            guard coveredAll else { return false }
        }
        if let outerTeams = outer.teams {
            if let innerTeams = inner.teams {
                guard Set(innerTeams).isSubset(of: outerTeams) else { return false }
            } else if let innerKeys = inner.keys {
                guard innerKeys.allSatisfy({ key in outerTeams.contains { key.hasPrefix($0 + "/") } }) else {
                    return false
                }
            } else {
                return false
            }
        }
        if let outerKeys = outer.keys {
            guard let innerKeys = inner.keys, Set(innerKeys).isSubset(of: outerKeys) else { return false }
        }
        return true
    }
}

extension RuleRecord {
    var isRewrite: Bool {
        if case .rewrite = action { return true }
        return false
    }

    var isRoute: Bool {
        if case .route = action { return true }
        return false
    }
}
