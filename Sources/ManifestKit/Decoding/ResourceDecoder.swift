import GatewayModel
import YAMLCore

/// Builds model values from validated documents.
enum ResourceDecoder {
    static func metadata(_ node: YAMLNode?) -> ResourceMetadata {
        ResourceMetadata(
            name: node?["name"]?.resolvedString ?? "",
            labels: node?["labels"]?.stringMap ?? [:],
            protected: node?["protected"]?.resolvedBool ?? false)
    }

    static func team(_ document: YAMLNode) -> Team {
        let spec = document["spec"]
        return Team(
            metadata: metadata(document["metadata"]),
            displayName: spec?["displayName"]?.resolvedString,
            tier: spec?["tier"]?.resolvedString.flatMap(Tier.init(rawValue:)) ?? .free,
            suspension: spec?["suspended"].map { Suspension(reason: $0["reason"]?.resolvedString ?? "") },
            dataRetention: spec?["dataRetention"]?.resolvedString.flatMap(DataRetention.init(rawValue:)),
            providers: spec?["providers"]?.stringList,
            models: spec?["models"]?.stringList,
            budget: budget(spec?["budget"]),
            rateLimit: rateLimit(spec?["rateLimit"]),
            byok: (spec?["byok"]?.sequence ?? []).compactMap(byokCredential),
            keys: (spec?["keys"]?.sequence ?? []).map(apiKey))
    }

    static func byokCredential(_ node: YAMLNode) -> BYOKCredential? {
        guard let secret = secret(node["secret"]) else { return nil }
        return BYOKCredential(
            name: node["name"]?.resolvedString ?? "",
            provider: node["provider"]?.resolvedString ?? "",
            secret: secret,
            options: node["options"]?.stringMap ?? [:])
    }

    /// One pass over the key's fields: this runs for every key of a 100k-key manifest, where a
    /// lookup per field would scan the mapping seven times.
    static func apiKey(_ node: YAMLNode) -> APIKeySpec {
        var key = APIKeySpec(name: "")
        for pair in node.mapping ?? [] {
            let value = pair.value
            switch pair.key.scalar?.text {
            case "name": key.name = value.resolvedString ?? ""
            case "description": key.description = value.resolvedString
            case "expiresAt": key.expiresAt = value.resolvedString.flatMap(Timestamp.init(rfc3339:))
            case "models": key.models = value.stringList
            case "budget": key.budget = budget(value)
            case "rateLimit": key.rateLimit = rateLimit(value)
            case "rotation": key.rotation = value.resolvedInt ?? 0
            case "rotationOverlap": key.rotationOverlapSeconds = interval(value)
            default: break
            }
        }
        return key
    }

    static func provider(_ document: YAMLNode) -> Provider {
        let spec = document["spec"]
        return Provider(
            metadata: metadata(document["metadata"]),
            type: spec?["type"]?.resolvedString.flatMap(ProviderType.init(rawValue:)) ?? .mock,
            baseURL: spec?["baseURL"]?.resolvedString,
            zeroDataRetention: spec?["zeroDataRetention"]?.resolvedBool ?? false,
            secret: secret(spec?["secret"]),
            models: (spec?["models"]?.sequence ?? []).map { model in
                ProviderModel(
                    id: model["id"]?.resolvedString ?? "",
                    upstream: model["upstream"]?.resolvedString,
                    pricing: model["pricing"].map {
                        Pricing(
                            inputPerMTokUSD: $0["inputPerMTokUSD"]?.resolvedNumber ?? 0,
                            outputPerMTokUSD: $0["outputPerMTokUSD"]?.resolvedNumber ?? 0)
                    })
            })
    }

    static func rule(_ document: YAMLNode) -> Rule {
        let spec = document["spec"]
        let match = spec?["match"]
        let action: RuleAction
        if let deny = spec?["deny"] {
            action = .deny(message: deny["message"]?.resolvedString)
        } else if let rewrite = spec?["rewrite"] {
            action = .rewrite(model: rewrite["model"]?.resolvedString ?? "")
        } else {
            let route = spec?["route"]
            action = .route(
                providers: route?["providers"]?.stringList ?? [],
                fallbackModels: route?["fallbackModels"]?.stringList ?? [])
        }
        return Rule(
            metadata: metadata(document["metadata"]),
            priority: spec?["priority"]?.resolvedInt ?? 0,
            match: RuleMatch(
                models: match?["models"]?.stringList,
                teams: match?["teams"]?.stringList,
                keys: match?["keys"]?.stringList),
            action: action)
    }

    static func issuer(_ document: YAMLNode) -> Issuer {
        let spec = document["spec"]
        let jwks = spec?["jwks"]
        return Issuer(
            metadata: metadata(document["metadata"]),
            spec: IssuerSpec(
                url: spec?["url"]?.resolvedString ?? "",
                audiences: spec?["audiences"]?.stringList ?? [],
                jwksURL: jwks?["url"]?.resolvedString,
                jwksFile: jwks?["file"]?.resolvedString,
                algorithms: spec?["algorithms"]?.stringList?.compactMap(TokenAlgorithm.init(rawValue:))
                    ?? TokenAlgorithm.allCases,
                identities: (spec?["identities"]?.sequence ?? []).map { node in
                    WorkloadIdentity(
                        name: node["name"]?.resolvedString ?? "", team: node["team"]?.resolvedString ?? "",
                        claims: node["claims"]?.stringMap ?? [:], description: node["description"]?.resolvedString,
                        models: node["models"]?.stringList, budget: budget(node["budget"]),
                        rateLimit: rateLimit(node["rateLimit"]))
                },
                admin: (spec?["admin"]?.sequence ?? []).map { node in
                    AdminGrant(
                        name: node["name"]?.resolvedString ?? "",
                        role: node["role"]?.resolvedString.flatMap(AdminRole.init(rawValue:)) ?? .reader,
                        claims: node["claims"]?.stringMap ?? [:])
                }))
    }

    static func accessTest(_ document: YAMLNode) -> AccessTest {
        let spec = document["spec"]
        let select = spec?["select"]
        let expect = spec?["expect"]
        let expectation: AccessExpectation
        if let served = expect?["served"] {
            expectation = .served(
                provider: served["provider"]?.resolvedString,
                credential: served["credential"]?.resolvedString.flatMap(UsageRecord.CredentialKind.init(rawValue:)))
        } else if let code = expect?["refused"]?.resolvedString {
            expectation = .refused(code: code)
        } else {
            expectation = expect?["holds"]?.resolvedString.flatMap(AccessExpectation.init(property:)) ?? .budgeted
        }
        return AccessTest(
            metadata: metadata(document["metadata"]),
            select: KeySelector(
                teams: select?["teams"]?.stringList, keys: select?["keys"]?.stringList,
                labels: select?["labels"]?.stringMap,
                tier: select?["tier"]?.resolvedString.flatMap(Tier.init(rawValue:)),
                dataRetention: select?["dataRetention"]?.resolvedString.flatMap(DataRetention.init(rawValue:))),
            model: spec?["model"]?.resolvedString, expect: expectation)
    }

    static func policy(_ document: YAMLNode) -> GatewayPolicy {
        let spec = document["spec"]
        return GatewayPolicy(
            metadata: metadata(document["metadata"]),
            dataRetention: spec?["dataRetention"]?.resolvedString.flatMap(DataRetention.init(rawValue:)) ?? .standard,
            byokRequiresPaidTier: spec?["byokRequiresPaidTier"]?.resolvedBool ?? false,
            perRequestBYOK: spec?["perRequestBYOK"]?.resolvedBool ?? false,
            keyRotationOverlapSeconds: spec?["keyRotationOverlap"].flatMap(interval))
    }

    /// An `Interval` as the schema admits it: `24h`, or the integer `0`.
    static func interval(_ node: YAMLNode) -> Int64? {
        if node.resolvedInt == 0 { return 0 }
        return node.resolvedString.flatMap(Interval.seconds)
    }

    static func budget(_ node: YAMLNode?) -> Budget? {
        guard let node, let limit = node["limitUSD"]?.resolvedNumber,
            let period = node["period"]?.resolvedString.flatMap(BudgetPeriod.init(rawValue:))
        else { return nil }
        return Budget(limitUSD: limit, period: period)
    }

    static func rateLimit(_ node: YAMLNode?) -> RateLimit? {
        guard let node, node.mapping != nil else { return nil }
        return RateLimit(
            requestsPerMinute: node["requestsPerMinute"]?.resolvedInt,
            tokensPerMinute: node["tokensPerMinute"]?.resolvedInt)
    }

    static func secret(_ node: YAMLNode?) -> SecretReference? {
        if let name = node?["env"]?.resolvedString { return .env(name) }
        if let path = node?["file"]?.resolvedString { return .file(path) }
        return nil
    }
}
