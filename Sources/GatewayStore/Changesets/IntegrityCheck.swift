import GatewayModel

/// What the integrity check asks a backend about the state as the changeset left it.
package protocol ReferenceFacts {
    mutating func exists(_ ref: ResourceRef) throws -> Bool
    /// Names of a team's credentials.
    mutating func credentials(ofTeam team: String) throws -> [String]
    /// Names of a team's API keys.
    mutating func apiKeys(ofTeam team: String) throws -> [String]
    /// `team/name` of every credential of a provider.
    mutating func credentials(usingProvider provider: String) throws -> [String]
    /// Teams whose provider allowlist names a provider.
    mutating func teams(allowingProvider provider: String) throws -> [String]
    /// Every rule.
    mutating func rules() throws -> [RuleRecord]
    /// Every issuer.
    mutating func issuers() throws -> [IssuerRecord]
}

/// After a changeset's writes, inside its transaction: does every reference still resolve?
///
/// Only what the changeset touched is checked, so a 100k-key changeset costs 100k lookups and a
/// small one a handful.
package struct IntegrityCheck<Facts: ReferenceFacts> {
    private var facts: Facts
    private var problems: [ChangeProblem] = []

    package init(facts: Facts) {
        self.facts = facts
    }

    /// A reference a written resource makes, and what it is to that resource.
    package struct Reference {
        package var ref: ResourceRef
        package var from: ResourceRef
        package var role: String
    }

    /// The references a create or update makes (what must exist afterwards), and the problems
    /// with references that cannot be resolved at all. A delete makes none.
    package static func references(
        of operation: ChangeOperation
    ) -> (
        references: [Reference], malformed: [ChangeProblem]
    ) {
        guard operation.op != .delete else { return ([], []) }
        let target = operation.target
        var references: [Reference] = []
        var malformed: [ChangeProblem] = []
        func require(_ ref: ResourceRef, _ role: String) {
            references.append(Reference(ref: ref, from: target, role: role))
        }
        if let record = operation.payload?.credential {
            require(.team(record.team), "its team")
            require(.provider(record.provider), "its provider")
        }
        if let record = operation.payload?.apiKey { require(.team(record.team), "its team") }
        if let record = operation.payload?.issuer {
            for identity in record.spec.identities { require(.team(identity.team), "identity \(identity.name)'s team") }
        }
        if let record = operation.payload?.team {
            for provider in record.providers ?? [] { require(.provider(provider), "provider allowlist entry") }
        }
        if let record = operation.payload?.rule {
            for team in record.match.teams ?? [] { require(.team(team), "match.teams entry") }
            for key in record.match.keys ?? [] {
                let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                if parts.count == 2 {
                    require(.apiKey(team: parts[0], name: parts[1]), "match.keys entry")
                } else {
                    malformed.append(
                        ChangeProblem(target: target, message: "match.keys entry '\(key)' is not team/key"))
                }
            }
            if case .route(let providers, _) = record.action {
                for provider in providers { require(.provider(provider), "route provider") }
            }
        }
        return (references, malformed)
    }

    /// Every problem, operation by operation in changeset order.
    package mutating func run(_ changeset: Changeset) throws -> [ChangeProblem] {
        for operation in changeset.operations {
            if operation.op == .delete {
                try checkDeleted(operation.target)
                continue
            }
            let (references, malformed) = Self.references(of: operation)
            for reference in references where try !resolves(reference.ref) {
                problems.append(
                    ChangeProblem(target: reference.from, message: "\(reference.role) \(reference.ref) does not exist"))
            }
            problems += malformed
        }
        if changeset.operations.contains(where: { $0.target.kind == .issuer && $0.op != .create }) {
            try checkRulesStillResolve()
        }
        return problems
    }

    /// A `team/name` a rule names is a key or a workload identity one of the issuers maps to.
    private mutating func resolves(_ ref: ResourceRef) throws -> Bool {
        if try facts.exists(ref) { return true }
        guard ref.kind == .apiKey, let team = ref.team else { return false }
        return try facts.issuers().contains { issuer in
            issuer.spec.identities.contains { $0.team == team && $0.name == ref.name }
        }
    }

    /// After an issuer changed or went: every identity a rule names must still be declared somewhere.
    private mutating func checkRulesStillResolve() throws {
        for rule in try facts.rules() {
            for key in rule.match.keys ?? [] {
                let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                guard parts.count == 2, try !resolves(.apiKey(team: parts[0], name: parts[1])) else { continue }
                problems.append(
                    ChangeProblem(
                        target: .rule(rule.metadata.name),
                        message:
                            "match.keys entry '\(key)' is neither a key nor a workload identity once this changeset applies"
                    ))
            }
        }
    }

    private mutating func checkDeleted(_ target: ResourceRef) throws {
        func still(_ what: String, _ names: [String]) {
            guard !names.isEmpty else { return }
            let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
            problems.append(
                ChangeProblem(
                    target: target,
                    message:
                        "cannot be deleted while \(names.count) \(what) still refer to it (\(shown)); delete or change them in the same changeset"
                ))
        }
        switch target.kind {
        case .team:
            still("credentials", try facts.credentials(ofTeam: target.name))
            still("API keys", try facts.apiKeys(ofTeam: target.name))
            still(
                "rules", try facts.rules().filter { $0.match.teams?.contains(target.name) == true }.map(\.metadata.name)
            )
            still(
                "issuer identities",
                try facts.issuers().flatMap { issuer in
                    issuer.spec.identities.filter { $0.team == target.name }.map {
                        "\(issuer.metadata.name): \($0.name)"
                    }
                })
        case .provider:
            still("credentials", try facts.credentials(usingProvider: target.name))
            still("teams", try facts.teams(allowingProvider: target.name))
            still(
                "rules",
                try facts.rules().filter {
                    if case .route(let providers, _) = $0.action { return providers.contains(target.name) }
                    return false
                }.map(\.metadata.name))
        case .apiKey:
            let reference = "\(target.team ?? "")/\(target.name)"
            still("rules", try facts.rules().filter { $0.match.keys?.contains(reference) == true }.map(\.metadata.name))
        case .policy, .credential, .rule, .issuer:
            break
        }
    }
}
