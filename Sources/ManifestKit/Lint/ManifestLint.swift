import GatewayModel
import YAMLCore

/// Warnings about manifests that are legal but probably not what their author meant.
///
/// Each finding here can be known from the manifests alone; findings that need the live
/// gateway (unused keys, spend) belong to `gwctl audit`.
struct ManifestLint {
    let state: DesiredState
    let documents: [ManifestDocument]
    let now: Timestamp?
    private var diagnostics: [Diagnostic] = []
    private let servedModels: [String]
    private let providersByName: [String: Provider]

    init(state: DesiredState, documents: [ManifestDocument], now: Timestamp?) {
        self.state = state
        self.documents = documents
        self.now = now
        servedModels = Array(Set(state.providers.flatMap { $0.models.map(\.id) })).sorted()
        var byName: [String: Provider] = [:]
        for provider in state.providers { byName[provider.name] = provider }
        providersByName = byName
    }

    mutating func run() -> [Diagnostic] {
        let teams = Dictionary(state.teams.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let rules = Dictionary(state.rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for document in documents {
            switch document.kind {
            case .team: if let team = teams[document.name] { lint(team, document) }
            case .rule: if let rule = rules[document.name] { lint(rule, document) }
            case .provider:
                if providersByName[document.name]?.models.isEmpty == true {
                    let spec = document.node["spec"]
                    warn(
                        .providerWithoutModels, document.keyLocation("spec", in: document.node),
                        "spec: Provider '\(document.name)' lists no models, so no request can reach it",
                        spec == nil)
                }
            case .gatewayPolicy: break
            }
        }
        return diagnostics
    }

    private mutating func warn(
        _ code: DiagnosticCode, _ location: SourceLocation, _ message: String, _ skip: Bool = false
    ) {
        if !skip { diagnostics.append(.warning(code, at: location, message)) }
    }

    /// The models a team may use once its provider allowlist is applied (before its model globs).
    private func modelsReachable(by team: Team) -> [String] {
        guard let allowed = team.providers else { return servedModels }
        return Array(Set(allowed.compactMap { providersByName[$0] }.flatMap { $0.models.map(\.id) })).sorted()
    }

    private mutating func lint(_ team: Team, _ document: ManifestDocument) {
        let spec = document.node["spec"]
        let reachable = modelsReachable(by: team)
        let teamModels = team.models.map { globs in
            reachable.filter { id in globs.contains { ModelGlob($0).matches(id) } }
        }
        for (index, glob) in (team.models ?? []).enumerated() where !state.providers.isEmpty {
            if !reachable.contains(where: ModelGlob(glob).matches) {
                warn(
                    .globMatchesNothing, document.location(of: spec?["models"]?.sequence?[index]),
                    "spec.models[\(index)]: '\(glob)' matches no model served by the team's providers")
            }
        }
        let keyNodes = spec?["keys"]?.sequence ?? []
        for (index, key) in team.keys.enumerated() where index < keyNodes.count {
            let node = keyNodes[index]
            if let expiresAt = key.expiresAt, let now, expiresAt <= now {
                warn(
                    .keyExpired, document.location(of: node["expiresAt"]),
                    "spec.keys[\(index)].expiresAt: key '\(key.name)' expired at \(expiresAt); the gateway refuses it with key_expired"
                )
            }
            let allowed = teamModels ?? reachable
            for (globIndex, glob) in (key.models ?? []).enumerated() where !state.providers.isEmpty {
                if !allowed.contains(where: ModelGlob(glob).matches) {
                    warn(
                        .globMatchesNothing, document.location(of: node["models"]?.sequence?[globIndex]),
                        "spec.keys[\(index)].models[\(globIndex)]: '\(glob)' matches no model that Team '\(team.name)' allows"
                    )
                }
            }
        }
        if state.policy?.byokRequiresPaidTier == true, team.tier == .free {
            let byokNodes = spec?["byok"]?.sequence ?? []
            for (index, credential) in team.byok.enumerated() where index < byokNodes.count {
                warn(
                    .byokOnFreeTier, document.location(of: byokNodes[index]["name"]),
                    "spec.byok[\(index)]: BYOK credential '\(credential.name)' is on a free-tier team, and the GatewayPolicy sets byokRequiresPaidTier; requests will be refused with byok_requires_paid_tier"
                )
            }
        }
        let retention = team.dataRetention ?? state.policy?.dataRetention ?? .standard
        if retention == .zero, !state.providers.isEmpty {
            let allowed = (team.providers ?? state.providers.map(\.name)).compactMap { providersByName[$0] }
            if !allowed.contains(where: \.zeroDataRetention) {
                let origin = team.dataRetention == nil ? " (inherited from the GatewayPolicy)" : ""
                warn(
                    .zdrUnsatisfiable,
                    document.location(
                        of: spec?["dataRetention"] ?? spec?["providers"] ?? document.node["metadata"]?["name"]),
                    "Team '\(team.name)' requires zero data retention\(origin), but none of its providers has zeroDataRetention: true; every request will be refused with zdr_unsatisfiable"
                )
            }
        }
    }

    private mutating func lint(_ rule: Rule, _ document: ManifestDocument) {
        let spec = document.node["spec"]
        for (index, glob) in (rule.match.models ?? []).enumerated() where !state.providers.isEmpty {
            if !servedModels.contains(where: ModelGlob(glob).matches) {
                warn(
                    .globMatchesNothing, document.location(of: spec?["match"]?["models"]?.sequence?[index]),
                    "spec.match.models[\(index)]: '\(glob)' matches no model any provider serves, so the rule never applies"
                )
            }
        }
        switch rule.action {
        case .deny:
            if rule.match == RuleMatch() {
                warn(
                    .denyAll, document.keyLocation("deny", in: spec),
                    "spec.deny: Rule '\(rule.name)' denies with no match, so it refuses every request")
            }
        case .rewrite(let model):
            if !state.providers.isEmpty, !servedModels.contains(model) {
                warn(
                    .modelNotServed, document.location(of: spec?["rewrite"]?["model"]),
                    "spec.rewrite.model: no provider serves '\(model)'; rewritten requests will fail with model_not_found"
                )
            }
        case .route(_, let fallbackModels):
            for (index, model) in fallbackModels.enumerated() where !state.providers.isEmpty {
                if !servedModels.contains(model) {
                    warn(
                        .modelNotServed, document.location(of: spec?["route"]?["fallbackModels"]?.sequence?[index]),
                        "spec.route.fallbackModels[\(index)]: no provider serves '\(model)'")
                }
            }
        }
    }
}
