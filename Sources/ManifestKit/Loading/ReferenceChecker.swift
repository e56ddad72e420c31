import GatewayModel
import YAMLCore

/// Checks that every name a document uses resolves, and that names inside a team are unique.
struct ReferenceChecker {
    private(set) var diagnostics: [Diagnostic] = []
    private let providerNames: Set<String>
    private let teamNames: Set<String>
    /// Teams by name, to resolve `team/key` references without building a string per key.
    private let teams: [String: Team]
    /// Workload identities by team, with the issuer declaring each: they are named like keys.
    private let identities: [String: [String: String]]
    /// `team/name` of the identities checked so far, with their issuer: the second is an error.
    private var declared: [String: String] = [:]

    init(state: DesiredState) {
        providerNames = Set(state.providers.map(\.name))
        teamNames = Set(state.teams.map(\.name))
        teams = Dictionary(state.teams.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var identities: [String: [String: String]] = [:]
        for issuer in state.issuers {
            for identity in issuer.spec.identities where identities[identity.team]?[identity.name] == nil {
                identities[identity.team, default: [:]][identity.name] = issuer.name
            }
        }
        self.identities = identities
    }

    mutating func check(_ document: ManifestDocument) {
        let spec = document.node["spec"]
        switch document.kind {
        case .team:
            for (index, node) in (spec?["providers"]?.sequence ?? []).enumerated() {
                provider(node, in: document, field: "spec.providers[\(index)]")
            }
            unique(spec?["byok"]?.sequence, field: "spec.byok", what: "BYOK credential", in: document)
            for (index, credential) in (spec?["byok"]?.sequence ?? []).enumerated() {
                if let node = credential["provider"] {
                    provider(node, in: document, field: "spec.byok[\(index)].provider")
                }
            }
            unique(spec?["keys"]?.sequence, field: "spec.keys", what: "key", in: document)
        case .provider:
            var seen: [String: YAMLNode] = [:]
            for (index, model) in (spec?["models"]?.sequence ?? []).enumerated() {
                guard let id = model["id"], let text = id.resolvedString else { continue }
                if let first = seen[text] {
                    diagnostics.append(
                        .error(
                            .duplicateItem, at: document.location(of: id),
                            "spec.models[\(index)].id: model '\(text)' is listed twice in Provider '\(document.name)'",
                            notes: [.init("first listed here", at: document.location(of: first))]))
                } else {
                    seen[text] = id
                }
            }
        case .rule:
            let match = spec?["match"]
            for (index, node) in (match?["teams"]?.sequence ?? []).enumerated() {
                guard let name = node.resolvedString, StringFormat.resourceName.accepts(name) else { continue }
                if !teamNames.contains(name) {
                    report(node, in: document, "spec.match.teams[\(index)]: unknown Team '\(name)'", name, teamNames)
                }
            }
            for (index, node) in (match?["keys"]?.sequence ?? []).enumerated() {
                key(node, in: document, field: "spec.match.keys[\(index)]")
            }
            for (index, node) in (spec?["route"]?["providers"]?.sequence ?? []).enumerated() {
                provider(node, in: document, field: "spec.route.providers[\(index)]")
            }
        case .issuer:
            checkIssuer(spec, in: document)
        case .gatewayPolicy:
            break
        case .accessTest:
            // A glob may match nothing today; a plain name must name something, or the test tests nothing.
            let select = spec?["select"]
            for (index, node) in (select?["teams"]?.sequence ?? []).enumerated() {
                guard let name = node.resolvedString, ModelGlob(name).isLiteral, !teamNames.contains(name) else {
                    continue
                }
                report(node, in: document, "spec.select.teams[\(index)]: unknown Team '\(name)'", name, teamNames)
            }
            for (index, node) in (select?["keys"]?.sequence ?? []).enumerated() {
                guard let name = node.resolvedString, ModelGlob(name).isLiteral else { continue }
                guard StringFormat.keyReference.accepts(name) else {
                    diagnostics.append(
                        .error(
                            .invalidValue, at: document.location(of: node),
                            "spec.select.keys[\(index)]: '\(name)' is not a key reference (team/key) or a glob"))
                    continue
                }
                key(node, in: document, field: "spec.select.keys[\(index)]")
            }
            if let node = spec?["expect"]?["served"]?["provider"] {
                provider(node, in: document, field: "spec.expect.served.provider")
            }
        }
    }

    private mutating func provider(_ node: YAMLNode, in document: ManifestDocument, field: String) {
        guard let name = node.resolvedString, StringFormat.resourceName.accepts(name), !providerNames.contains(name)
        else { return }
        report(node, in: document, "\(field): unknown Provider '\(name)'", name, providerNames)
    }

    private mutating func key(_ node: YAMLNode, in document: ManifestDocument, field: String) {
        guard let reference = node.resolvedString, StringFormat.keyReference.accepts(reference) else { return }
        let team = String(reference.prefix { $0 != "/" })
        let key = String(reference.dropFirst(team.count + 1))
        if let keys = teams[team]?.keys {
            guard !keys.contains(where: { $0.name == key }), identities[team]?[key] == nil else { return }
            let message = "\(field): Team '\(team)' has no key or workload identity '\(key)'"
            let hint = DidYouMean.hint(for: key, among: keys.map(\.name) + (identities[team]?.keys.sorted() ?? []))
            diagnostics.append(.error(.unknownReference, at: document.location(of: node), message + hint))
        } else {
            report(node, in: document, "\(field): unknown Team '\(team)' in '\(reference)'", team, teamNames)
        }
    }

    /// An identity's team exists, its name is unique in the team across keys and identities, and
    /// every mapping matches at least one claim (an empty one would admit every token).
    private mutating func checkIssuer(_ spec: YAMLNode?, in document: ManifestDocument) {
        if let node = spec?["jwks"]?["url"], let url = node.resolvedString, !IssuerCheck.isSigningKeyURL(url) {
            diagnostics.append(
                .error(
                    .invalidValue, at: document.location(of: node),
                    "spec.jwks.url: signing keys are fetched over https (http only on a loopback address), found '\(url)'"
                ))
        }
        for (index, node) in (spec?["identities"]?.sequence ?? []).enumerated() {
            let field = "spec.identities[\(index)]"
            if let claims = node["claims"], claims.mapping?.isEmpty == true {
                diagnostics.append(
                    .error(
                        .invalidValue, at: document.location(of: claims),
                        "\(field).claims: an identity must match at least one claim, or every token of the issuer would be it"
                    ))
            }
            guard let teamNode = node["team"], let team = teamNode.resolvedString,
                StringFormat.resourceName.accepts(team)
            else { continue }
            guard let keys = teams[team]?.keys else {
                report(teamNode, in: document, "\(field).team: unknown Team '\(team)'", team, teamNames)
                continue
            }
            guard let nameNode = node["name"], let name = nameNode.resolvedString else { continue }
            if keys.contains(where: { $0.name == name }) {
                diagnostics.append(
                    .error(
                        .duplicateName, at: document.location(of: nameNode),
                        "\(field).name: Team '\(team)' already has a key named '\(name)'; an identity is named like a key (\(team)/\(name)), so the two would be one"
                    ))
            } else if let first = declared[team + "/" + name] {
                diagnostics.append(
                    .error(
                        .duplicateName, at: document.location(of: nameNode),
                        "\(field).name: identity '\(team)/\(name)' is already declared by Issuer '\(first)'"))
            } else {
                declared[team + "/" + name] = document.name
            }
        }
        for (index, node) in (spec?["admin"]?.sequence ?? []).enumerated() {
            if let claims = node["claims"], claims.mapping?.isEmpty == true {
                diagnostics.append(
                    .error(
                        .invalidValue, at: document.location(of: claims),
                        "spec.admin[\(index)].claims: a grant must match at least one claim, or every token of the issuer would hold it"
                    ))
            }
        }
    }

    private mutating func report(
        _ node: YAMLNode, in document: ManifestDocument, _ message: String, _ name: String, _ candidates: Set<String>
    ) {
        let hint = DidYouMean.hint(for: name, among: candidates.sorted())
        diagnostics.append(.error(.unknownReference, at: document.location(of: node), message + hint))
    }

    private mutating func unique(_ items: [YAMLNode]?, field: String, what: String, in document: ManifestDocument) {
        var seen: [String: YAMLNode] = [:]
        for (index, item) in (items ?? []).enumerated() {
            guard let nameNode = item["name"], let name = nameNode.resolvedString else { continue }
            if let first = seen[name] {
                diagnostics.append(
                    .error(
                        .duplicateName, at: document.location(of: nameNode),
                        "\(field)[\(index)].name: Team '\(document.name)' already has a \(what) named '\(name)'",
                        notes: [.init("first defined here", at: document.location(of: first))]))
            } else {
                seen[name] = nameNode
            }
        }
    }
}
