import GatewayModel

/// Checks each operation on its own, before anything is read or written: the body matches the
/// target, names are valid, values are in range, secrets are where they belong.
///
/// The API is a public surface, so it validates what gwctl's manifests already guarantee.
enum ChangesetValidator {
    /// A bound on one transaction's size. A 1M-key manifest set with its 100k teams and
    /// credentials is 1.2M operations; over HTTP, gatewayd's body limit binds long before this.
    static let maxOperations = 4_000_000

    static func problems(in changeset: Changeset) -> [ChangeProblem] {
        var problems: [ChangeProblem] = []
        if changeset.operations.count > maxOperations {
            problems.append(
                ChangeProblem(
                    target: .policy, message: "a changeset may hold at most \(maxOperations) operations"))
        }
        var seen: Set<ResourceRef> = []
        for operation in changeset.operations {
            let target = operation.target
            func problem(_ message: String) { problems.append(ChangeProblem(target: target, message: message)) }
            if !seen.insert(target).inserted { problem("appears more than once in the changeset") }
            if target.kind.isTeamScoped != (target.team != nil) {
                problem(target.kind.isTeamScoped ? "needs the owning team" : "must not name a team")
            }
            if !ResourceName.isValid(target.name) { problem("'\(target.name)' is not a valid name") }
            if let team = target.team, !ResourceName.isValid(team) { problem("'\(team)' is not a valid team name") }
            if target.kind == .policy, target.name != GatewayPolicy.requiredName {
                problem("the policy is named '\(GatewayPolicy.requiredName)'")
            }
            if operation.op == .rotate, target.kind != .apiKey { problem("only API keys can be rotated") }
            if operation.op == .delete {
                if operation.payload != nil || operation.secret != nil {
                    problem("a delete carries no settings or secret")
                }
            } else if operation.payload?.kind != target.kind {
                problem("\(operation.op.rawValue) needs exactly the '\(target.kind.rawValue)' settings")
            } else {
                for message in bodyProblems(operation) { problem(message) }
            }
            if operation.secret != nil || operation.clearSecret == true {
                if target.kind != .provider, target.kind != .credential {
                    problem("only providers and credentials hold secrets")
                }
                if operation.secret?.isEmpty == true { problem("the secret is empty") }
            }
            if operation.clearSecret == true, target.kind != .provider {
                problem("only a provider's system secret can be cleared")
            }
            if target.kind == .credential, operation.op == .create, operation.secret == nil {
                problem("a credential needs its secret")
            }
        }
        return problems
    }

    private static func isOverlap(_ seconds: Int64) -> Bool {
        (0...GatewayPolicy.maxKeyRotationOverlapSeconds).contains(seconds)
    }

    private static func bodyProblems(_ operation: ChangeOperation) -> [String] {
        var messages: [String] = []
        let target = operation.target
        func budget(_ budget: Budget?, _ field: String) {
            if let budget, !(budget.limitUSD >= 0 && budget.limitUSD.isFinite) {
                messages.append("\(field).limitUSD must be a non-negative number")
            }
        }
        func rateLimit(_ limit: RateLimit?, _ field: String) {
            guard let limit else { return }
            if limit.requestsPerMinute == nil, limit.tokensPerMinute == nil {
                messages.append("\(field) sets no rate")
            }
            if (limit.requestsPerMinute ?? 1) < 1 || (limit.tokensPerMinute ?? 1) < 1 {
                messages.append("\(field) rates must be at least 1")
            }
        }
        func names(_ list: [String]?, _ field: String) {
            for name in list ?? [] where !ResourceName.isValid(name) {
                messages.append("\(field): '\(name)' is not a valid name")
            }
        }
        if let record = operation.payload?.provider {
            if record.metadata.name != target.name { messages.append("metadata.name differs from the target") }
            if record.type != .mock, (record.baseURL ?? "").isEmpty { messages.append("baseURL is required") }
            if let url = record.baseURL, !url.isEmpty, !ProviderURL.isAcceptable(url) {
                messages.append(
                    "baseURL '\(ProviderURL.redacted(url))' is not an http:// or https:// URL without user:password@")
            }
            for model in record.models {
                if model.id.split(separator: "/").count != 2 {
                    messages.append("model id '\(model.id)' is not creator/name")
                }
                if let pricing = model.pricing, pricing.inputPerMTokUSD < 0 || pricing.outputPerMTokUSD < 0 {
                    messages.append("model '\(model.id)' has a negative price")
                }
            }
        }
        if let record = operation.payload?.policy {
            if record.metadata.name != target.name { messages.append("metadata.name differs from the target") }
            if let overlap = record.keyRotationOverlapSeconds, !Self.isOverlap(overlap) {
                messages.append(
                    "keyRotationOverlapSeconds must be from 0 to \(GatewayPolicy.maxKeyRotationOverlapSeconds)")
            }
        }
        if let record = operation.payload?.team {
            if record.metadata.name != target.name { messages.append("metadata.name differs from the target") }
            names(record.providers, "providers")
            budget(record.budget, "budget")
            rateLimit(record.rateLimit, "rateLimit")
        }
        if let record = operation.payload?.credential {
            if record.name != target.name || record.team != target.team {
                messages.append("team and name differ from the target")
            }
            if !ResourceName.isValid(record.provider) { messages.append("'\(record.provider)' is not a provider name") }
        }
        if let record = operation.payload?.apiKey {
            if record.name != target.name || record.team != target.team {
                messages.append("team and name differ from the target")
            }
            if record.rotation < 0 { messages.append("rotation must not be negative") }
            if let overlap = record.rotationOverlapSeconds, !Self.isOverlap(overlap) {
                messages.append(
                    "rotationOverlapSeconds must be from 0 to \(GatewayPolicy.maxKeyRotationOverlapSeconds)")
            }
            budget(record.budget, "budget")
            rateLimit(record.rateLimit, "rateLimit")
        }
        if let record = operation.payload?.rule {
            if record.metadata.name != target.name { messages.append("metadata.name differs from the target") }
            if record.priority < 0 { messages.append("priority must not be negative") }
            names(record.match.teams, "match.teams")
            switch record.action {
            case .rewrite(let model) where model.isEmpty: messages.append("rewrite.model is empty")
            case .route(let providers, let models) where providers.isEmpty && models.isEmpty:
                messages.append("route sets neither providers nor fallbackModels")
            case .route(let providers, _): names(providers, "route.providers")
            default: break
            }
        }
        if let record = operation.payload?.issuer {
            if record.metadata.name != target.name { messages.append("metadata.name differs from the target") }
            messages += IssuerCheck.problems(record.spec)
        }
        return messages
    }
}
