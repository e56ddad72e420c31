import GatewayCore
import GatewayModel
import GatewayPlan

/// Decides recorded traffic again under the live and the planned state with the data plane's
/// admission policy, and says what the plan changes for it (`TrafficReplay`).
///
/// Only policy decides: credits, budgets and rate limits move with time, so a replay says
/// what the configuration would do, as `gwctl explain` does.
public struct TrafficReplayer: Sendable {
    private let live: AdmissionPolicy
    private let planned: AdmissionPolicy
    /// The keys whose decisions the change can move; the others are decided once, under the live state.
    private let scope: AccessDiff.Scope?
    public let now: Timestamp

    /// Replays under `planned`, deciding every key under both states.
    public init(live: GatewayState, planned: GatewayState, now: Timestamp = .now) {
        self.init(live: live, planned: planned, scope: nil, now: now)
    }

    /// Replays under the state `plan` leaves, deciding under both states only the keys the plan
    /// can affect (as the access review does).
    public init(plan: Plan, live: GatewayState, desired: DesiredRecords, now: Timestamp = .now) {
        self.init(
            live: live, planned: plan.plannedState(from: live, desired: desired), scope: AccessDiff.Scope(plan),
            now: now)
    }

    private init(live: GatewayState, planned: GatewayState, scope: AccessDiff.Scope?, now: Timestamp) {
        self.live = AdmissionPolicy(snapshot: GatewaySnapshot(state: live, keyHashes: [], keysByName: true))
        self.planned = AdmissionPolicy(snapshot: GatewaySnapshot(state: planned, keyHashes: [], keysByName: true))
        self.scope = scope
        self.now = now
    }

    /// What one state does with one kind of request.
    private struct Decision {
        var served: RouteCandidate?
        var refusal: Refusal?
    }

    /// The inputs of a decision: groups that differ only by their recorded route share one.
    private struct Question: Hashable {
        var key: String
        var model: String
        var endpoint: ExplainRequest.Endpoint
        var carriesCredential: Bool
    }

    private struct Route: Hashable {
        var provider: String
        var credential: CredentialUse
    }

    /// The replay of `groups` (from `GatewayAdmin.traffic(since:)`).
    public func replay(_ groups: [TrafficGroup], window: String, since: Timestamp) -> TrafficReplay {
        var liveDecisions: [Question: Decision] = [:]
        var plannedDecisions: [Question: Decision] = [:]
        var requests = 0
        var refused = 0
        var restored = 0
        var moved = 0
        var drifted = 0
        var byCode: [String: Int] = [:]
        var byKey: [String: (requests: Int, models: [String: Int], codes: [String: Int], reasons: [String: String])] =
            [:]
        var moves: [[Route]: (requests: Int, keys: Set<String>)] = [:]
        var spend = ReplaySpend()

        var decided = 0
        for group in groups {
            requests += group.requests
            // A key the plan cannot affect is decided alike under both states: not decided at all.
            guard scope?.contains(team: group.team, key: group.key) ?? true else { continue }
            decided += group.requests
            let key = group.team + "/" + group.key
            let question = Question(
                key: key, model: group.requestedModel, endpoint: group.endpoint,
                carriesCredential: group.credentialKind == .requestBYOK)
            let before = decision(question, by: live, cache: &liveDecisions)
            let after = decision(question, by: planned, cache: &plannedDecisions)
            let recorded = Route(
                provider: group.provider,
                credential: CredentialUse(kind: group.credentialKind, name: group.credentialName))
            if before.served.map(Self.route) != recorded { drifted += group.requests }
            spend.add(Self.cost(of: group, served: before.served, by: live), before: true)
            spend.add(Self.cost(of: group, served: after.served, by: planned), before: false)

            switch (before.served, after.served) {
            case (_?, nil):
                let code = after.refusal?.code.rawValue ?? "refused"
                refused += group.requests
                byCode[code, default: 0] += group.requests
                var entry = byKey[key] ?? (0, [:], [:], [:])
                entry.requests += group.requests
                entry.models[group.requestedModel, default: 0] += group.requests
                entry.codes[code, default: 0] += group.requests
                entry.reasons[group.requestedModel] = after.refusal?.message ?? ""
                byKey[key] = entry
            case (nil, _?):
                restored += group.requests
            case (let from?, let to?):
                let (source, target) = (Self.route(from), Self.route(to))
                guard source != target else { continue }
                moved += group.requests
                var entry = moves[[source, target]] ?? (0, [])
                entry.requests += group.requests
                entry.keys.insert(key)
                moves[[source, target]] = entry
            case (nil, nil):
                continue
            }
        }

        func mostFirst(_ counts: [String: Int]) -> [String] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        }
        let refusals = byKey.map { key, entry -> ReplayRefusal in
            let models = mostFirst(entry.models)
            return ReplayRefusal(
                key: key, code: mostFirst(entry.codes)[0], requests: entry.requests, models: models,
                reason: entry.reasons[models[0]] ?? "")
        }
        let moveList = moves.map { routes, entry in
            ReplayMove(
                fromProvider: routes[0].provider, fromCredential: routes[0].credential, toProvider: routes[1].provider,
                toCredential: routes[1].credential, requests: entry.requests, keys: entry.keys.count,
                examples: Array(entry.keys.sorted().prefix(3)))
        }
        return TrafficReplay(
            window: window, since: since, requests: requests, groups: groups.count, decided: decided, refused: refused,
            restored: restored, moved: moved, drifted: drifted,
            refusalsByCode: mostFirst(byCode).map { ReplayCount(name: $0, requests: byCode[$0] ?? 0) },
            refusalsByKey: refusals.sorted {
                $0.requests != $1.requests ? $0.requests > $1.requests : $0.key < $1.key
            },
            moves: moveList.sorted {
                $0.requests != $1.requests
                    ? $0.requests > $1.requests
                    : ($0.fromProvider, $0.toProvider) < ($1.fromProvider, $1.toProvider)
            },
            spend: spend)
    }

    private func decision(
        _ question: Question, by policy: AdmissionPolicy, cache: inout [Question: Decision]
    )
        -> Decision
    {
        if let known = cache[question] { return known }
        let admission = policy.evaluate(
            AdmissionRequest(
                caller: .named(question.key), model: question.model,
                endpoint: question.endpoint == .embeddings ? .embeddings : .chat,
                carriesCredential: question.carriesCredential, now: now))
        let decision = Decision(served: admission.route.first, refusal: admission.refusal)
        cache[question] = decision
        return decision
    }

    private static func route(_ candidate: RouteCandidate) -> Route {
        Route(
            provider: candidate.provider,
            credential: CredentialUse(kind: candidate.credentialKind, name: candidate.credentialName))
    }

    /// The group's recorded tokens at the price of the provider that would serve it, and who pays.
    private static func cost(
        of group: TrafficGroup, served: RouteCandidate?, by policy: AdmissionPolicy
    )
        -> (micro: Int64, credits: Bool)
    {
        guard let served else { return (0, false) }
        let pricing = policy.snapshot.offers(of: served.model).first { $0.provider.metadata.name == served.provider }?
            .model.pricing
        let micro = pricing?.costMicroUSD(inputTokens: group.inputTokens, outputTokens: group.outputTokens) ?? 0
        return (micro, served.paidFromCredits)
    }
}

extension ReplaySpend {
    fileprivate mutating func add(_ cost: (micro: Int64, credits: Bool), before: Bool) {
        switch (before, cost.credits) {
        case (true, true): creditsBeforeMicroUSD += cost.micro
        case (true, false): byokBeforeMicroUSD += cost.micro
        case (false, true): creditsAfterMicroUSD += cost.micro
        case (false, false): byokAfterMicroUSD += cost.micro
        }
    }
}
