import GatewayModel

/// Small records for tests, shared by the store's and the server's suites.
public enum Sample {
    public static func provider(_ name: String = "mock", models: [String] = ["mock/echo"]) -> ProviderRecord {
        ProviderRecord(
            metadata: ResourceMetadata(name: name), type: .mock, zeroDataRetention: true,
            models: models.map { ProviderModel(id: $0) })
    }

    public static func team(_ name: String, providers: [String]? = nil) -> TeamRecord {
        TeamRecord(
            metadata: ResourceMetadata(name: name, labels: ["owner": "\(name)-eng"]), tier: .paid, providers: providers)
    }

    public static func credential(_ team: String, _ name: String, provider: String = "mock") -> CredentialRecord {
        CredentialRecord(team: team, name: name, provider: provider, options: ["resourceName": "acme"])
    }

    public static func key(_ team: String, _ name: String) -> APIKeyRecord {
        APIKeyRecord(
            team: team, name: name, description: "service \(name)", rateLimit: RateLimit(requestsPerMinute: 60))
    }

    public static func rule(_ name: String, teams: [String]? = nil, keys: [String]? = nil) -> RuleRecord {
        RuleRecord(
            metadata: ResourceMetadata(name: name), priority: 10,
            match: RuleMatch(models: ["openai/gpt-4*"], teams: teams, keys: keys),
            action: .deny(message: "retired"))
    }

    public static func create(provider record: ProviderRecord, secret: String? = nil) -> ChangeOperation {
        ChangeOperation(
            op: .create, target: .provider(record.metadata.name), payload: .provider(record), secret: secret)
    }

    public static func create(team record: TeamRecord) -> ChangeOperation {
        ChangeOperation(op: .create, target: .team(record.metadata.name), payload: .team(record))
    }

    public static func create(credential record: CredentialRecord, secret: String) -> ChangeOperation {
        ChangeOperation(
            op: .create, target: .credential(team: record.team, name: record.name), payload: .credential(record),
            secret: secret)
    }

    public static func create(key record: APIKeyRecord) -> ChangeOperation {
        ChangeOperation(op: .create, target: .apiKey(team: record.team, name: record.name), payload: .apiKey(record))
    }

    public static func create(rule record: RuleRecord) -> ChangeOperation {
        ChangeOperation(op: .create, target: .rule(record.metadata.name), payload: .rule(record))
    }

    public static var policy: ChangeOperation {
        ChangeOperation(
            op: .create, target: .policy, payload: .policy(PolicyRecord(dataRetention: .zero, perRequestBYOK: true)))
    }
}

extension ChangesetResult {
    /// The minted secret for a key, if this result created or rotated it.
    public func secret(team: String, key: String) -> String? {
        results.first { $0.target == .apiKey(team: team, name: key) }?.secret
    }
}

extension Sample {
    /// An issuer trusting `issuer`'s tokens: `payments/checkout-prod` for the checkout repository's
    /// production environment, and admin grants for the gateway-config repository (pull requests
    /// read, pushes to main write).
    public static func issuer(_ name: String = "ci", url: String, jwksURL: String, audience: String) -> IssuerRecord {
        IssuerRecord(
            metadata: ResourceMetadata(name: name),
            spec: IssuerSpec(
                url: url, audiences: [audience], jwksURL: jwksURL,
                identities: [
                    WorkloadIdentity(
                        name: "checkout-prod", team: "payments",
                        claims: ["repository": "acme/checkout", "environment": "production"],
                        rateLimit: RateLimit(requestsPerMinute: 600))
                ],
                admin: [
                    AdminGrant(
                        name: "config-main", role: .writer,
                        claims: ["repository": "acme/gateway-config", "ref": "refs/heads/main"]),
                    AdminGrant(
                        name: "config-prs", role: .reader,
                        claims: ["repository": "acme/gateway-config", "event_name": "pull_request"]),
                ]))
    }

    public static func create(issuer record: IssuerRecord) -> ChangeOperation {
        ChangeOperation(op: .create, target: .issuer(record.metadata.name), payload: .issuer(record))
    }
}
