import GatewayCrypto
import GatewayModel

/// Steps 1–5 of admission (docs/data-plane.md, "Admission, in order"): key, team, rules, allowlists and ZDR, credentials.
/// Pure over one snapshot, so the data plane and `explain` cannot disagree.
public struct AdmissionPolicy: Sendable {
    public let snapshot: GatewaySnapshot
    /// Explanations for admins may name other teams' credentials; callers' errors never do.
    public let forAdmin: Bool

    public init(snapshot: GatewaySnapshot, forAdmin: Bool = false) {
        self.snapshot = snapshot
        self.forAdmin = forAdmin
    }

    /// Steps 1–5 for `request`.
    ///
    /// `identified` is ``identify(_:)``'s answer for the same caller over the same snapshot, when
    /// the caller was identified before the model was known (the data plane does so before it reads
    /// a body); steps 1 and 2 are then not run again.
    public func evaluate(_ request: AdmissionRequest, identified: Admission? = nil) -> Admission {
        var admission =
            identified.map { Admission($0, requestedModel: request.model) } ?? identify(request)
        guard admission.isAdmitted, let key = admission.key, let team = admission.team else { return admission }
        decide(request, team: team, key: key, &admission)
        return admission
    }

    /// Steps 3–5 only, for a key and team already known: what the policy lets this key reach,
    /// whether or not the key is expired or its team suspended (for audits).
    public func evaluate(
        key: APIKeyRecord, team: TeamRecord, model: String, endpoint: AdmissionRequest.Endpoint
    )
        -> Admission
    {
        var admission = Admission(requestedModel: model)
        admission.key = key
        admission.team = team
        let request = AdmissionRequest(
            caller: .named(key.team + "/" + key.name), model: model, endpoint: endpoint, now: Timestamp(seconds: 0))
        decide(request, team: team, key: key, &admission)
        return admission
    }

    private func decide(_ request: AdmissionRequest, team: TeamRecord, key: APIKeyRecord, _ admission: inout Admission)
    {
        guard case .proceed(let route) = applyRules(team: team, key: key, &admission) else { return }
        let offers = allowedOffers(request, team: team, key: key, route: route, &admission)
        guard !offers.isEmpty else { return }
        chooseCredentials(offers, request: request, team: team, &admission)
    }

    /// Steps 1 and 2 only: who calls, and whether their team may call at all.
    public func identify(_ request: AdmissionRequest) -> Admission {
        var admission = Admission(requestedModel: request.model)
        guard let key = authenticate(request, &admission) else { return admission }
        guard let team = snapshot.teams[key.team] else {
            admission.refuse(
                Refusal(
                    code: .invalidAPIKey, message: "the key's team '\(key.team)' does not exist",
                    layer: .authentication))
            return admission
        }
        admission.team = team
        if let suspension = team.suspension {
            admission.refuse(
                Refusal(
                    code: .teamSuspended,
                    message: "team '\(key.team)' is suspended: \(suspension.reason)", layer: .team,
                    hint: "every key of team '\(key.team)' is refused until the team's spec.suspended is removed"))
            return admission
        }
        admission.pass(.team, "team '\(key.team)' is active (tier \(team.tier.rawValue))")
        return admission
    }

    // MARK: 1. Authentication

    private func authenticate(_ request: AdmissionRequest, _ admission: inout Admission) -> APIKeyRecord? {
        let found: APIKeyRecord?
        switch request.caller {
        case .secret(let secret):
            let hash = KeyDigest.hex(of: secret)
            found = snapshot.key(hash: hash) ?? previousSecret(hash: hash, now: request.now, &admission)
            if found == nil, admission.refusal == nil {
                admission.refuse(
                    Refusal(
                        code: .invalidAPIKey, message: "the API key is not valid", layer: .authentication,
                        hint: secret.hasPrefix("gw_")
                            ? "no key has this secret: a deleted key stops working at once (a rotated one answers key_rotated)"
                            : "gateway keys start with gw_; a provider's own key goes in the x-gateway-provider-key header"
                    ))
            }
            if found == nil { return nil }
        case .named(let name):
            found = snapshot.key(named: name)
            if found == nil {
                admission.refuse(
                    Refusal(code: .invalidAPIKey, message: "there is no key '\(name)'", layer: .authentication))
                return nil
            }
        case .identity(let claims):
            guard let identity = IdentityMapping(snapshot: snapshot).identity(for: claims, &admission) else {
                return nil
            }
            admission.key = identity
            admission.pass(
                .authentication, "workload identity '\(identity.team)/\(identity.name)' of team '\(identity.team)'")
            return identity
        }
        guard let key = found else { return nil }
        admission.key = key
        if let expiry = key.expiresAt, !(request.now < expiry) {
            admission.refuse(
                Refusal(
                    code: .keyExpired, message: "the key '\(key.team)/\(key.name)' expired at \(expiry)",
                    layer: .authentication, hint: "set a later expiresAt on the key, or rotate it"))
            return nil
        }
        admission.pass(.authentication, "key '\(key.team)/\(key.name)' of team '\(key.team)'")
        if case .named = request.caller {
            // An explanation by name lists which secrets work, so a rotation in progress is visible.
            for secret in (key.previousSecrets ?? []) where secret.isLive(at: request.now) {
                admission.note(
                    .authentication,
                    "the secret \(secret.prefix)… replaced at \(secret.rotatedAt) still works until \(secret.retiresAt); the current one is \(key.prefix ?? "gw_…")…"
                )
            }
        }
        return key
    }

    /// The key a secret belonged to before a rotation, while the rotation's overlap lasts; after
    /// it, a `key_rotated` refusal saying when (never which secret).
    private func previousSecret(hash: String, now: Timestamp, _ admission: inout Admission) -> APIKeyRecord? {
        guard let (key, secret) = snapshot.previousKey(hash: hash) else { return nil }
        let name = key.team + "/" + key.name
        guard secret.isLive(at: now) else {
            admission.refuse(
                Refusal(
                    code: .keyRotated,
                    message:
                        "the key '\(name)' was rotated at \(secret.rotatedAt); this secret (\(secret.prefix)…) stopped working at \(secret.retiresAt)",
                    layer: .authentication,
                    hint:
                        "use the key's current secret (\(key.prefix ?? "gw_…")…), delivered when the rotation was applied"
                ))
            return nil
        }
        admission.note(
            .authentication,
            "a previous secret (\(secret.prefix)…) of key '\(name)', replaced at \(secret.rotatedAt), retiring at \(secret.retiresAt)"
        )
        return key
    }

    // MARK: 3. Rules

    /// A route picked by a rule: its providers in order and the models to fall back to.
    struct RuleRoute {
        var rule: String
        var providers: [String]
        var fallbackModels: [String]
    }

    enum RulesOutcome {
        case denied
        /// Go on, with the route a rule picked, if any.
        case proceed(RuleRoute?)
    }

    private func applyRules(team: TeamRecord, key: APIKeyRecord, _ admission: inout Admission) -> RulesOutcome {
        var route: RuleRoute?
        var matched = false
        for rule in snapshot.rules where matches(rule.match, model: admission.model, team: team, key: key) {
            matched = true
            let name = rule.metadata.name
            switch rule.action {
            case .deny(let message):
                admission.refuse(
                    Refusal(
                        code: .modelDenied,
                        message: "model '\(admission.model)' is denied by rule '\(name)'"
                            + (message.map { ": \($0)" } ?? ""),
                        layer: .rules, rule: name))
                return .denied
            case .rewrite(let model):
                admission.note(.rules, "rule '\(name)' rewrote '\(admission.model)' to '\(model)'", rule: name)
                admission.model = model
                if route != nil {
                    admission.note(.rules, "the earlier route no longer applies to the rewritten model", rule: name)
                    route = nil
                }
            case .route(let providers, let fallbackModels):
                guard route == nil else { continue }
                route = RuleRoute(rule: name, providers: providers, fallbackModels: fallbackModels)
                let fallbacks = fallbackModels.isEmpty ? "" : ", then models \(fallbackModels.joined(separator: ", "))"
                admission.note(
                    .rules, "rule '\(name)' routes to providers \(providers.joined(separator: ", "))\(fallbacks)",
                    rule: name)
            }
        }
        if !matched { admission.pass(.rules, "no rule matches") }
        return .proceed(route)
    }

    private func matches(_ match: RuleMatch, model: String, team: TeamRecord, key: APIKeyRecord) -> Bool {
        if let models = match.models, !models.contains(where: { ModelGlob($0).matches(model) }) { return false }
        if let teams = match.teams, !teams.contains(team.metadata.name) { return false }
        if let keys = match.keys, !keys.contains(key.team + "/" + key.name) { return false }
        return true
    }

    // MARK: 4. Allowlists and ZDR

    /// The offers that may serve, primary model first (in route order), then fallback models.
    private func allowedOffers(
        _ request: AdmissionRequest, team: TeamRecord, key: APIKeyRecord, route rule: RuleRoute?,
        _ admission: inout Admission
    ) -> [ModelOffer] {
        switch offers(for: admission.model, request: request, team: team, key: key, routeProviders: rule) {
        case .failure(let refusal):
            admission.refuse(refusal)
            return []
        case .success(let primary):
            admission.pass(
                .allowlist,
                "'\(admission.model)' is allowed; providers in order: "
                    + primary.map(\.provider.metadata.name).joined(separator: ", "))
            var all = primary
            for fallback in rule?.fallbackModels ?? [] {
                switch fallbackOffers(fallback, request: request, team: team, key: key) {
                case .failure(let refusal):
                    admission.note(
                        refusal.layer, "fallback model '\(fallback)' skipped: \(refusal.message)", rule: refusal.rule)
                case .success(let offers):
                    all += offers
                }
            }
            return all
        }
    }

    /// Why a route's fallback model would be skipped for this key, or nil when it may serve:
    /// the same check admission makes, for audits of rules.
    public func fallbackRefusal(
        _ model: String, team: TeamRecord, key: APIKeyRecord, endpoint: AdmissionRequest.Endpoint = .chat
    ) -> Refusal? {
        let request = AdmissionRequest(
            caller: .named(key.team + "/" + key.name), model: model, endpoint: endpoint, now: Timestamp(seconds: 0))
        if case .failure(let refusal) = fallbackOffers(model, request: request, team: team, key: key) { return refusal }
        return nil
    }

    private func fallbackOffers(
        _ fallback: String, request: AdmissionRequest, team: TeamRecord, key: APIKeyRecord
    ) -> Result<[ModelOffer], Refusal> {
        // A fallback must not route around a deny rule that would refuse it if asked directly.
        if let deny = snapshot.rules.first(where: { candidate in
            if case .deny = candidate.action { return matches(candidate.match, model: fallback, team: team, key: key) }
            return false
        }) {
            return .failure(
                Refusal(
                    code: .modelDenied, message: "denied by rule '\(deny.metadata.name)'", layer: .rules,
                    rule: deny.metadata.name))
        }
        return offers(for: fallback, request: request, team: team, key: key, routeProviders: nil)
    }

    private func offers(
        for model: String, request: AdmissionRequest, team: TeamRecord, key: APIKeyRecord, routeProviders: RuleRoute?
    ) -> Result<[ModelOffer], Refusal> {
        let teamName = team.metadata.name
        var offers = snapshot.offers(of: model).filter {
            request.endpoint != .embeddings || $0.provider.type != .anthropic
        }
        guard !offers.isEmpty else {
            return .failure(
                Refusal(
                    code: .modelNotFound,
                    message: "no provider serves model '\(model)'"
                        + (request.endpoint == .embeddings ? " for embeddings" : ""),
                    layer: .allowlist, hint: "GET /v1/models lists the models this key can use"))
        }
        let allowlists: [(label: String, field: String, models: [String]?)] = [
            ("team '\(teamName)'", "the team's spec.models", team.models),
            ("key '\(teamName)/\(key.name)'", "the key's models", key.models),
        ]
        for allowlist in allowlists {
            guard let models = allowlist.models, !models.contains(where: { ModelGlob($0).matches(model) }) else {
                continue
            }
            return .failure(
                Refusal(
                    code: .modelNotAllowed,
                    message:
                        "\(allowlist.label) does not allow model '\(model)' (its models: \(models.joined(separator: ", ")))",
                    layer: .allowlist, hint: "add the model to \(allowlist.field), or use an allowed model"))
        }
        let serving = offers.map(\.provider.metadata.name)
        if let providers = team.providers {
            offers = offers.filter { providers.contains($0.provider.metadata.name) }
            guard !offers.isEmpty else {
                return .failure(
                    Refusal(
                        code: .providerNotAllowed,
                        message:
                            "model '\(model)' is served by \(serving.joined(separator: ", ")), none of which team '\(teamName)' allows (its providers: \(providers.joined(separator: ", ")))",
                        layer: .allowlist, hint: "add one of those providers to the team's spec.providers"))
            }
        }
        if let routeProviders {
            let ordered = routeProviders.providers.compactMap { name in
                offers.first { $0.provider.metadata.name == name }
            }
            guard !ordered.isEmpty else {
                return .failure(
                    Refusal(
                        code: .providerNotAllowed,
                        message:
                            "rule '\(routeProviders.rule)' routes '\(model)' to \(routeProviders.providers.joined(separator: ", ")), none of which serves it for team '\(teamName)'",
                        layer: .allowlist, rule: routeProviders.rule))
            }
            offers = ordered
        }
        if snapshot.retention(of: team) == .zero {
            let candidates = offers.map(\.provider.metadata.name)
            offers = offers.filter(\.provider.zeroDataRetention)
            guard !offers.isEmpty else {
                return .failure(
                    Refusal(
                        code: .zdrUnsatisfiable,
                        message:
                            "team '\(teamName)' requires zero data retention, and no provider it may use for '\(model)' offers it (\(candidates.joined(separator: ", ")))",
                        layer: .allowlist, hint: "use a model served by a provider with zeroDataRetention: true"))
            }
        }
        return .success(offers)
    }
}
