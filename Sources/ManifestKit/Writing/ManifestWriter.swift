import GatewayModel
import YAMLCore

/// Writes resources as manifest YAML (`gateway/v1`), the inverse of the loader: loading what it
/// writes gives back the same values. Strings are quoted only when YAML would read them as
/// something else.
public enum ManifestWriter {
    public static func document(_ provider: Provider) -> String {
        var out = header("Provider", provider.metadata)
        out += "spec:\n"
        out += field("type", provider.type.rawValue, 1)
        if let baseURL = provider.baseURL { out += field("baseURL", baseURL, 1) }
        if provider.zeroDataRetention { out += "  zeroDataRetention: true\n" }
        if let secret = provider.secret { out += "  secret: \(secretText(secret))\n" }
        if !provider.models.isEmpty {
            out += "  models:\n"
            for model in provider.models {
                out += "    - id: \(scalar(model.id))\n"
                if let upstream = model.upstream { out += "      upstream: \(scalar(upstream))\n" }
                if let pricing = model.pricing {
                    out +=
                        "      pricing: {inputPerMTokUSD: \(number(pricing.inputPerMTokUSD)), outputPerMTokUSD: \(number(pricing.outputPerMTokUSD))}\n"
                }
            }
        }
        return out
    }

    public static func document(_ policy: GatewayPolicy) -> String {
        var out = header("GatewayPolicy", policy.metadata)
        out += "spec:\n"
        out += "  dataRetention: \(policy.dataRetention.rawValue)\n"
        out += "  byokRequiresPaidTier: \(policy.byokRequiresPaidTier)\n"
        out += "  perRequestBYOK: \(policy.perRequestBYOK)\n"
        if let overlap = policy.keyRotationOverlapSeconds {
            out += "  keyRotationOverlap: \(Interval.text(overlap))\n"
        }
        return out
    }

    public static func document(_ team: Team) -> String {
        let out = header("Team", team.metadata)
        var spec = ""
        if let displayName = team.displayName { spec += field("displayName", displayName, 1) }
        spec += "  tier: \(team.tier.rawValue)\n"
        if let suspension = team.suspension { spec += "  suspended: {reason: \(scalar(suspension.reason))}\n" }
        if let retention = team.dataRetention { spec += "  dataRetention: \(retention.rawValue)\n" }
        if let providers = team.providers { spec += "  providers: \(list(providers))\n" }
        if let models = team.models { spec += "  models: \(list(models))\n" }
        if let budget = team.budget { spec += "  budget: \(budgetText(budget))\n" }
        if let rateLimit = team.rateLimit { spec += "  rateLimit: \(rateLimitText(rateLimit))\n" }
        if !team.byok.isEmpty {
            spec += "  byok:\n"
            for credential in team.byok {
                spec += "    - name: \(scalar(credential.name))\n"
                spec += "      provider: \(scalar(credential.provider))\n"
                spec += "      secret: \(secretText(credential.secret))\n"
                if !credential.options.isEmpty { spec += "      options: \(map(credential.options))\n" }
            }
        }
        if !team.keys.isEmpty {
            spec += "  keys:\n"
            for key in team.keys {
                spec += "    - name: \(scalar(key.name))\n"
                if let description = key.description { spec += field("description", description, 3) }
                if let expiresAt = key.expiresAt { spec += "      expiresAt: \(expiresAt)\n" }
                if let models = key.models { spec += "      models: \(list(models))\n" }
                if let budget = key.budget { spec += "      budget: \(budgetText(budget))\n" }
                if let rateLimit = key.rateLimit { spec += "      rateLimit: \(rateLimitText(rateLimit))\n" }
                if key.rotation != 0 { spec += "      rotation: \(key.rotation)\n" }
                if let overlap = key.rotationOverlapSeconds {
                    spec += "      rotationOverlap: \(Interval.text(overlap))\n"
                }
            }
        }
        return out + (spec.isEmpty ? "spec: {}\n" : "spec:\n" + spec)
    }

    public static func document(_ rule: Rule) -> String {
        var out = header("Rule", rule.metadata)
        out += "spec:\n  priority: \(rule.priority)\n"
        let match = rule.match
        if match != RuleMatch() {
            out += "  match:\n"
            if let models = match.models { out += "    models: \(list(models))\n" }
            if let teams = match.teams { out += "    teams: \(list(teams))\n" }
            if let keys = match.keys { out += "    keys: \(list(keys))\n" }
        }
        switch rule.action {
        case .deny(let message):
            out += message.map { "  deny: {message: \(scalar($0))}\n" } ?? "  deny: {}\n"
        case .rewrite(let model):
            out += "  rewrite: {model: \(scalar(model))}\n"
        case .route(let providers, let fallbackModels):
            out += "  route:\n"
            if !providers.isEmpty { out += "    providers: \(list(providers))\n" }
            if !fallbackModels.isEmpty { out += "    fallbackModels: \(list(fallbackModels))\n" }
        }
        return out
    }

    public static func document(_ issuer: Issuer) -> String {
        var out = header("Issuer", issuer.metadata)
        let spec = issuer.spec
        out += "spec:\n" + field("url", spec.url, 1) + "  audiences: \(list(spec.audiences))\n"
        if let url = spec.jwksURL { out += "  jwks: {url: \(scalar(url))}\n" }
        if let file = spec.jwksFile { out += "  jwks: {file: \(scalar(file))}\n" }
        if spec.algorithms != TokenAlgorithm.allCases {
            out += "  algorithms: \(list(spec.algorithms.map(\.rawValue)))\n"
        }
        if !spec.identities.isEmpty {
            out += "  identities:\n"
            for identity in spec.identities {
                out += "    - name: \(scalar(identity.name))\n      team: \(scalar(identity.team))\n"
                out += "      claims: \(map(identity.claims))\n"
                if let description = identity.description { out += field("description", description, 3) }
                if let models = identity.models { out += "      models: \(list(models))\n" }
                if let budget = identity.budget { out += "      budget: \(budgetText(budget))\n" }
                if let rateLimit = identity.rateLimit { out += "      rateLimit: \(rateLimitText(rateLimit))\n" }
            }
        }
        if !spec.admin.isEmpty {
            out += "  admin:\n"
            for grant in spec.admin {
                out += "    - name: \(scalar(grant.name))\n      role: \(grant.role.rawValue)\n"
                out += "      claims: \(map(grant.claims))\n"
            }
        }
        return out
    }

    public static func document(_ test: AccessTest) -> String {
        var out = header("AccessTest", test.metadata)
        out += "spec:\n"
        var select: [String] = []
        if let teams = test.select.teams { select.append("teams: \(list(teams))") }
        if let keys = test.select.keys { select.append("keys: \(list(keys))") }
        if let labels = test.select.labels { select.append("labels: \(map(labels))") }
        if let tier = test.select.tier { select.append("tier: \(tier.rawValue)") }
        if let retention = test.select.dataRetention { select.append("dataRetention: \(retention.rawValue)") }
        if !select.isEmpty { out += "  select: {\(select.joined(separator: ", "))}\n" }
        if let model = test.model { out += field("model", model, 1) }
        switch test.expect {
        case .served(let provider, let credential):
            let parts = [provider.map { "provider: \(scalar($0))" }, credential.map { "credential: \($0.rawValue)" }]
            out += "  expect: {served: {\(parts.compactMap { $0 }.joined(separator: ", "))}}\n"
        case .refused(let code): out += "  expect: {refused: \(scalar(code))}\n"
        case .zdrOnly: out += "  expect: {holds: zdr-only}\n"
        case .noSystemCredential: out += "  expect: {holds: no-system-credential}\n"
        case .budgeted: out += "  expect: {holds: budgeted}\n"
        }
        return out
    }

    /// Every resource of `state` as one multi-document stream: providers, the policy, teams,
    /// rules, access tests, each sorted by name.
    public static func documents(_ state: DesiredState) -> String {
        var documents: [String] = state.providers.sorted { $0.metadata.name < $1.metadata.name }.map(document)
        if let policy = state.policy { documents.append(document(policy)) }
        documents += state.teams.sorted { $0.metadata.name < $1.metadata.name }.map(document)
        documents += state.rules.sorted { $0.metadata.name < $1.metadata.name }.map(document)
        documents += state.issuers.sorted { $0.metadata.name < $1.metadata.name }.map(document)
        documents += state.accessTests.sorted { $0.metadata.name < $1.metadata.name }.map(document)
        return documents.joined(separator: "---\n")
    }

    private static func header(_ kind: String, _ metadata: ResourceMetadata) -> String {
        var out =
            "apiVersion: \(ManifestSchema.apiVersion)\nkind: \(kind)\nmetadata:\n  name: \(scalar(metadata.name))\n"
        if !metadata.labels.isEmpty { out += "  labels: \(map(metadata.labels))\n" }
        if metadata.protected { out += "  protected: true\n" }
        return out
    }

    private static func field(_ name: String, _ value: String, _ depth: Int) -> String {
        String(repeating: "  ", count: depth) + "\(name): \(scalar(value))\n"
    }

    /// `text` as a YAML scalar that reads back as exactly this string.
    public static func scalar(_ text: String) -> String {
        let safe =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0)
                    || "._/-@+".unicodeScalars.contains($0)
            }
            && text.first.map { $0.isLetter || $0.isNumber } == true
            && ScalarResolver.resolvePlain(text) == .string(text)
            && !["yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
        return safe ? text : JSONText.quoted(text)
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    private static func list(_ items: [String]) -> String { "[" + items.map(scalar).joined(separator: ", ") + "]" }

    private static func map(_ entries: [String: String]) -> String {
        "{"
            + entries.sorted { $0.key < $1.key }.map { "\(scalar($0.key)): \(scalar($0.value))" }.joined(
                separator: ", ") + "}"
    }

    private static func budgetText(_ budget: Budget) -> String {
        "{limitUSD: \(number(budget.limitUSD)), period: \(budget.period.rawValue)}"
    }

    private static func rateLimitText(_ limit: RateLimit) -> String {
        var parts: [String] = []
        if let rpm = limit.requestsPerMinute { parts.append("requestsPerMinute: \(rpm)") }
        if let tpm = limit.tokensPerMinute { parts.append("tokensPerMinute: \(tpm)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    private static func secretText(_ secret: SecretReference) -> String {
        switch secret {
        case .env(let name): return "{env: \(scalar(name))}"
        case .file(let path): return "{file: \(scalar(path))}"
        }
    }
}
