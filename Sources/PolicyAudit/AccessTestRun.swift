import GatewayCore
import GatewayModel

/// Access tests evaluated over one configuration (the manifests' desired state, or a live
/// gateway's), by the data plane's admission policy, so a test that passes here passes there.
public struct AccessTestRun: Sendable {
    /// How many failures of one test are reported in full; the rest are counted.
    public static let failuresShown = 5

    let index: PolicyIndex
    public let now: Timestamp
    private let policy: AdmissionPolicy

    public init(state: GatewayState, now: Timestamp = .now) {
        index = PolicyIndex(state: state)
        self.now = now
        // Admin explanations: a failure may name the other team's credential that was probably meant.
        policy = AdmissionPolicy(
            snapshot: GatewaySnapshot(state: state, keyHashes: [], keysByName: true), forAdmin: true)
    }

    /// Every test's result, in the order given.
    public func run(_ tests: [AccessTest]) -> [AccessTestResult] {
        var reach = KeyReach(index: index)
        return tests.map { evaluate($0, reach: &reach) }
    }

    private func evaluate(_ test: AccessTest, reach: inout KeyReach) -> AccessTestResult {
        var result = AccessTestResult(test: test.name)
        let keys = selected(by: test.select)
        guard !keys.isEmpty else {
            result.fail(AccessTestFailure(key: nil, model: nil, message: "selects no key", explanation: nil))
            return result
        }
        let glob = test.model.map(ModelGlob.init)
        switch test.expect {
        case .served, .refused:
            let models: [String]
            if let glob, glob.isLiteral {
                models = [glob.pattern]
            } else {
                models = index.servedModels.filter { glob?.matches($0) ?? true }
            }
            guard !models.isEmpty else {
                result.fail(
                    AccessTestFailure(
                        key: nil, model: test.model, message: "model '\(test.model ?? "")' matches no served model",
                        explanation: nil))
                return result
            }
            for (key, _) in keys {
                for model in models {
                    result.checked += 1
                    let admission = policy.evaluate(
                        AdmissionRequest(caller: .named(key.team + "/" + key.name), model: model, now: now))
                    if let problem = Self.problem(with: admission, expected: test.expect) {
                        result.fail(
                            AccessTestFailure(
                                key: key.team + "/" + key.name, model: model, message: problem,
                                explanation: admission.explanation))
                    }
                }
            }
        case .zdrOnly, .noSystemCredential, .budgeted:
            for (key, team) in keys {
                result.checked += 1
                let reached = reach.reach(of: key, team: team).compactMap { entry -> ProviderReach? in
                    var filtered = entry
                    filtered.models = entry.models.filter { glob?.matches($0) ?? true }
                    return filtered.models.isEmpty ? nil : filtered
                }
                if let failure = propertyFailure(test.expect, key: key, team: team, reach: reached) {
                    result.fail(failure)
                }
            }
        }
        return result
    }

    /// The selected keys with their teams, by (team, name).
    func selected(by selector: KeySelector) -> [(APIKeyRecord, TeamRecord)] {
        let teamGlobs = selector.teams?.map(ModelGlob.init)
        let keyGlobs = selector.keys?.map(ModelGlob.init)
        var result: [(APIKeyRecord, TeamRecord)] = []
        for team in index.teams {
            let name = team.metadata.name
            if let teamGlobs, !teamGlobs.contains(where: { $0.matches(name) }) { continue }
            if let tier = selector.tier, team.tier != tier { continue }
            if let retention = selector.dataRetention, index.snapshot.retention(of: team) != retention { continue }
            if let labels = selector.labels, !labels.allSatisfy({ team.metadata.labels[$0.key] == $0.value }) {
                continue
            }
            for key in index.keysByTeam[name] ?? [] {
                if let keyGlobs, !keyGlobs.contains(where: { $0.matches(name + "/" + key.name) }) { continue }
                result.append((key, team))
            }
        }
        return result
    }

    /// Why an admission does not meet a served or refused expectation; nil when it does.
    static func problem(with admission: Admission, expected: AccessExpectation) -> String? {
        switch expected {
        case .served(let provider, let credential):
            if let refusal = admission.refusal {
                return "refused with \(refusal.code.rawValue) at \(refusal.layer.rawValue): \(refusal.message)"
            }
            guard let first = admission.route.first else { return "admitted with no provider to try" }
            let got = "served by \(first.provider) through \(first.credentialKind.rawValue)"
            if let provider, first.provider != provider {
                return got + ", expected \(provider)" + (credential.map { " through \($0.rawValue)" } ?? "")
            }
            if let credential, first.credentialKind != credential {
                return got + ", expected \(credential.rawValue)"
            }
            return nil
        case .refused(let code):
            guard let refusal = admission.refusal else {
                let first = admission.route.first
                return
                    "served by \(first?.provider ?? "?") through \(first?.credentialKind.rawValue ?? "?"), expected refused with \(code)"
            }
            return refusal.code.rawValue == code
                ? nil : "refused with \(refusal.code.rawValue) (\(refusal.message)), expected \(code)"
        case .zdrOnly, .noSystemCredential, .budgeted:
            return nil
        }
    }

    private func propertyFailure(
        _ expected: AccessExpectation, key: APIKeyRecord, team: TeamRecord, reach: [ProviderReach]
    ) -> AccessTestFailure? {
        let name = key.team + "/" + key.name
        let violation: (ProviderReach, String)?
        switch expected {
        case .zdrOnly:
            violation = reach.first { entry in
                !(index.snapshot.providers[entry.provider]?.zeroDataRetention ?? false)
            }.map { ($0, "reaches \($0.provider), which does not offer zero data retention") }
        case .noSystemCredential:
            violation = reach.first(where: \.paidFromCredits).map {
                ($0, "reaches \($0.provider) through its system credential, paid from credits")
            }
        case .budgeted:
            guard !reach.isEmpty, key.budget == nil, team.budget == nil else { return nil }
            violation = (reach[0], "can reach \(reach[0].provider) and has no budget, nor has team \(key.team)")
        case .served, .refused:
            violation = nil
        }
        guard let (entry, message) = violation, let model = entry.models.first else { return nil }
        let admission = policy.evaluate(key: key, team: team, model: model, endpoint: .chat)
        return AccessTestFailure(
            key: name, model: model, message: message + " (e.g. \(model))", explanation: admission.explanation)
    }
}

/// One access test's outcome.
public struct AccessTestResult: Sendable, Hashable {
    public var test: String
    /// How many (key, model) pairs, or keys for properties, were checked.
    public var checked = 0
    /// The first failures, in full.
    public var failures: [AccessTestFailure] = []
    /// All failures, including those not kept in `failures`.
    public var failureCount = 0

    public init(test: String) { self.test = test }

    public var passed: Bool { failureCount == 0 }

    mutating func fail(_ failure: AccessTestFailure) {
        failureCount += 1
        if failures.count < AccessTestRun.failuresShown { failures.append(failure) }
    }
}

/// One key (and model) for which a test's expectation does not hold.
public struct AccessTestFailure: Sendable, Hashable {
    /// `team/name`; nil when the test failed as a whole (it selects no key).
    public var key: String?
    public var model: String?
    public var message: String
    /// The decision trace behind it.
    public var explanation: Explanation?
}
