import GatewayModel

/// The manifest language v1: the one description of every kind's fields.
///
/// The validator walks documents against these shapes and `JSONSchemaGenerator` turns them
/// into `schemas/manifest.schema.json`; a test keeps the committed schema equal to the output.
public enum ManifestSchema {
    public static let apiVersion = "gateway/v1"

    /// The kinds of resource a document may declare.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case team = "Team"
        case provider = "Provider"
        case rule = "Rule"
        case gatewayPolicy = "GatewayPolicy"
        case accessTest = "AccessTest"
        case issuer = "Issuer"

        /// The shape of the kind's `spec`.
        public var spec: Definition {
            switch self {
            case .team: return ManifestSchema.teamSpec
            case .provider: return ManifestSchema.providerSpec
            case .rule: return ManifestSchema.ruleSpec
            case .gatewayPolicy: return ManifestSchema.policySpec
            case .accessTest: return ManifestSchema.accessTestSpec
            case .issuer: return ManifestSchema.issuerSpec
            }
        }
    }

    /// The fields every document has.
    public static let envelope = ObjectShape([
        Field("apiVersion", .constant(apiVersion), required: true, "The manifest language version."),
        Field("kind", .enumeration(Kind.allCases.map(\.rawValue)), required: true, "The kind of resource."),
        Field("metadata", .reference(metadata), required: true, "Name, labels and protection."),
        Field("spec", .anyMapping, required: true, "The resource itself; its shape depends on kind."),
        Field(
            "patch", .boolean,
            "true: an overlay, merged into the resource of this kind and name from an earlier path (mappings merge, lists of named items merge by name or id, null removes a key)."
        ),
    ])

    /// The envelope with `spec` checked as `kind`'s spec.
    public static func envelope(for kind: Kind) -> ObjectShape {
        var shape = envelope
        shape.fields = shape.fields.map { field in
            guard field.name == "spec" else { return field }
            return Field(field.name, .reference(kind.spec), required: true, field.summary)
        }
        return shape
    }

    static let metadata = Definition(
        "Metadata", "Identity of a resource.",
        .object(
            ObjectShape([
                Field("name", .string(.resourceName), required: true, "Unique per kind; a DNS label."),
                Field("labels", .map(of: .string(.any)), "Free-form string labels."),
                Field("protected", .boolean, "When true, a plan refuses to delete this resource."),
            ])))

    static let secretReference = Definition(
        "SecretReference", "Where a secret lives; manifests never hold secret values.",
        .object(
            ObjectShape(
                [
                    Field("env", .string(.environmentVariable), "Read the secret from this environment variable."),
                    Field(
                        "file", .string(.nonEmpty), "Read the secret from this file (a trailing newline is dropped)."),
                ], exactlyOneOf: [["env", "file"]])))

    static let budget = Definition(
        "Budget", "A spending cap in US dollars over a period.",
        .object(
            ObjectShape([
                Field("limitUSD", .number(minimum: 0), required: true, "The cap in US dollars."),
                Field(
                    "period", .enumeration(BudgetPeriod.allCases.map(\.rawValue)), required: true,
                    "The window spend is counted over; total never resets."),
            ])))

    static let rateLimit = Definition(
        "RateLimit", "Rates per minute; an absent rate is unlimited.",
        .object(
            ObjectShape(
                [
                    Field("requestsPerMinute", .integer(minimum: 1), "Requests per minute."),
                    Field("tokensPerMinute", .integer(minimum: 1), "Input plus output tokens per minute."),
                ], minFields: 1)))

    static let modelGlobs = Shape.list(of: .string(.modelGlob), minItems: 1, uniqueItems: true)

    static let byokCredential = Definition(
        "BYOKCredential", "A team's own provider credential.",
        .object(
            ObjectShape([
                Field("name", .string(.resourceName), required: true, "Unique within the team."),
                Field("provider", .string(.resourceName), required: true, "The Provider this credential is for."),
                Field("secret", .reference(secretReference), required: true, "Where the provider key lives."),
                Field("options", .map(of: .string(.any)), "Provider-specific settings, e.g. resourceName."),
            ])))

    static let apiKey = Definition(
        "APIKey", "An API key of the team; the gateway mints its secret.",
        .object(
            ObjectShape([
                Field("name", .string(.resourceName), required: true, "Unique within the team."),
                Field("description", .string(.any), "What the key is for."),
                Field("expiresAt", .string(.dateTime), "When the key stops working (RFC 3339)."),
                Field("models", modelGlobs, "Narrows the team's model allowlist."),
                Field("budget", .reference(budget), "The key's own spending cap."),
                Field("rateLimit", .reference(rateLimit), "The key's own rate limits."),
                Field("rotation", .integer(minimum: 0), "Bump to mint a new secret for the key."),
                Field(
                    "rotationOverlap", .interval,
                    "How long the previous secret keeps working after a rotation (24h, 30m, 0 for at once); default the policy's keyRotationOverlap."
                ),
            ])))

    static let teamSpec = Definition(
        "TeamSpec", "A tenant of the gateway, with its keys and BYOK credentials.",
        .object(
            ObjectShape([
                Field("displayName", .string(.any), "A human-readable name."),
                Field("tier", .enumeration(Tier.allCases.map(\.rawValue)), "free (default) or paid."),
                Field(
                    "suspended",
                    .object(
                        ObjectShape([
                            Field("reason", .string(.nonEmpty), required: true, "Shown to the team's callers.")
                        ])), "When present, every key of the team is refused with this reason."),
                Field(
                    "dataRetention", .enumeration(DataRetention.allCases.map(\.rawValue)),
                    "standard or zero; defaults to the GatewayPolicy's."),
                Field(
                    "providers", .list(of: .string(.resourceName), minItems: 1, uniqueItems: true),
                    "Provider allowlist; omitted allows all."),
                Field("models", modelGlobs, "Model allowlist as globs; omitted allows all."),
                Field("budget", .reference(budget), "The team's spending cap."),
                Field("rateLimit", .reference(rateLimit), "The team's rate limits."),
                Field("byok", .list(of: .reference(byokCredential)), "The team's own provider credentials."),
                Field("keys", .list(of: .reference(apiKey)), "The team's API keys."),
            ])))

    static let pricing = Definition(
        "Pricing", "Prices per million tokens in US dollars.",
        .object(
            ObjectShape([
                Field("inputPerMTokUSD", .number(minimum: 0), required: true, "Per million input tokens."),
                Field("outputPerMTokUSD", .number(minimum: 0), required: true, "Per million output tokens."),
            ])))

    static let providerModel = Definition(
        "ProviderModel", "A model the provider serves.",
        .object(
            ObjectShape([
                Field("id", .string(.modelID), required: true, "Canonical id, creator/name."),
                Field("upstream", .string(.nonEmpty), "The provider's own name; default the part after '/'."),
                Field("pricing", .reference(pricing), "What the model costs."),
            ])))

    static let providerSpec = Definition(
        "ProviderSpec", "An upstream the gateway can call.",
        .object(
            ObjectShape(
                [
                    Field(
                        "type", .enumeration(ProviderType.allCases.map(\.rawValue)), required: true,
                        "The upstream's protocol."),
                    Field("baseURL", .string(.httpURL), "The upstream's base URL; required except for mock."),
                    Field("zeroDataRetention", .boolean, "Whether the upstream honours zero data retention."),
                    Field("secret", .reference(secretReference), "The system credential, paid from team credits."),
                    Field("models", .list(of: .reference(providerModel)), "The models it serves."),
                ], requiredUnless: [ConditionalRequirement(field: "baseURL", unless: "type", in: ["mock"])])))

    static let ruleSpec = Definition(
        "RuleSpec", "A deny, rewrite or route rule, evaluated in ascending priority.",
        .object(
            ObjectShape(
                [
                    Field("priority", .integer(minimum: 0), required: true, "Lower runs first; ties by name."),
                    Field(
                        "match",
                        .object(
                            ObjectShape([
                                Field("models", modelGlobs, "Model globs."),
                                Field(
                                    "teams", .list(of: .string(.resourceName), minItems: 1, uniqueItems: true),
                                    "Team names."),
                                Field(
                                    "keys", .list(of: .string(.keyReference), minItems: 1, uniqueItems: true),
                                    "Keys as team/key."),
                            ])), "Conditions that must all hold; omitted matches every request."),
                    Field(
                        "deny",
                        .object(ObjectShape([Field("message", .string(.any), "Shown to the caller.")])),
                        "Refuse the request."),
                    Field(
                        "rewrite",
                        .object(
                            ObjectShape([
                                Field("model", .string(.modelID), required: true, "The model to use instead.")
                            ])), "Replace the model and continue."),
                    Field(
                        "route",
                        .object(
                            ObjectShape(
                                [
                                    Field(
                                        "providers",
                                        .list(of: .string(.resourceName), minItems: 1, uniqueItems: true),
                                        "Providers to try, in order."),
                                    Field(
                                        "fallbackModels", .list(of: .string(.modelID), minItems: 1, uniqueItems: true),
                                        "Models to try when every provider failed."),
                                ], minFields: 1)), "Choose providers and fallbacks."),
                ], exactlyOneOf: [["deny", "rewrite", "route"]])))

    static let policySpec = Definition(
        "GatewayPolicySpec", "Gateway-wide settings.",
        .object(
            ObjectShape([
                Field(
                    "dataRetention", .enumeration(DataRetention.allCases.map(\.rawValue)),
                    "The default for teams that set none."),
                Field("byokRequiresPaidTier", .boolean, "Refuse BYOK on free-tier teams."),
                Field("perRequestBYOK", .boolean, "Allow provider credentials passed with a request."),
                Field(
                    "keyRotationOverlap", .interval,
                    "How long a rotated key's previous secret keeps working when the key sets no rotationOverlap (default 24h)."
                ),
            ])))

    static let accessTestSpec = Definition(
        "AccessTestSpec",
        "An expectation about access, checked by gwctl test, validate, plan and apply; never sent to the gateway.",
        .object(
            ObjectShape(
                [
                    Field(
                        "select",
                        .object(
                            ObjectShape([
                                Field(
                                    "teams", .list(of: .string(.any), minItems: 1, uniqueItems: true),
                                    "Globs over team names."),
                                Field(
                                    "keys", .list(of: .string(.any), minItems: 1, uniqueItems: true),
                                    "Globs over keys as team/key."),
                                Field("labels", .map(of: .string(.any)), "Labels the key's team must carry."),
                                Field("tier", .enumeration(Tier.allCases.map(\.rawValue)), "The team's tier."),
                                Field(
                                    "dataRetention", .enumeration(DataRetention.allCases.map(\.rawValue)),
                                    "The team's data retention, after the gateway default."),
                            ])), "The keys the test is about; omitted selects every key."),
                    Field(
                        "model", .string(.modelGlob), "The model asked for, a glob; omitted means every served model."),
                    Field(
                        "expect",
                        .object(
                            ObjectShape(
                                [
                                    Field(
                                        "served",
                                        .object(
                                            ObjectShape([
                                                Field("provider", .string(.resourceName), "The first provider tried."),
                                                Field(
                                                    "credential",
                                                    .enumeration(
                                                        [
                                                            UsageRecord.CredentialKind.system,
                                                            UsageRecord.CredentialKind.teamBYOK,
                                                        ].map(\.rawValue)),
                                                    "What pays: system (credits) or team-byok."),
                                            ])), "The request is admitted."),
                                    Field(
                                        "refused", .enumeration(RefusalCode.policyCodes.map(\.rawValue)),
                                        "The request is refused with this code."),
                                    Field(
                                        "holds", .enumeration(AccessExpectation.propertyNames),
                                        "zdr-only: every provider reached offers zero data retention; no-system-credential: nothing reached is paid from credits; budgeted: a key that reaches anything has a budget of its own or its team's."
                                    ),
                                ], exactlyOneOf: [["served", "refused", "holds"]])), required: true,
                        "What must hold for every selected key and model."),
                ])))

    static let claimConditions = Shape.map(of: .string(.nonEmpty))

    static let workloadIdentity = Definition(
        "WorkloadIdentity",
        "A workload whose token claims match; it acts as a key of its team (team/name) in every layer.",
        .object(
            ObjectShape([
                Field("name", .string(.resourceName), required: true, "Unique within the team, across its keys."),
                Field("team", .string(.resourceName), required: true, "The team the workload calls as."),
                Field(
                    "claims", claimConditions, required: true,
                    "Claim globs that must all match, e.g. repository: acme/checkout, environment: production."),
                Field("description", .string(.any), "What the workload is."),
                Field("models", modelGlobs, "Narrows the team's model allowlist."),
                Field("budget", .reference(budget), "The identity's own spending cap."),
                Field("rateLimit", .reference(rateLimit), "The identity's own rate limits."),
            ])))

    static let adminGrant = Definition(
        "AdminGrant", "Admin API access for tokens whose claims match (CI pipelines running gwctl).",
        .object(
            ObjectShape([
                Field("name", .string(.resourceName), required: true, "Names the grant in the audit log."),
                Field(
                    "role", .enumeration(AdminRole.allCases.map(\.rawValue)), required: true,
                    "reader (plan, diff, audit, explain) or writer (apply)."),
                Field("claims", claimConditions, required: true, "Claim globs that must all match."),
            ])))

    static let issuerSpec = Definition(
        "IssuerSpec",
        "A trusted OIDC issuer: tokens it signs for these audiences authenticate workloads and pipelines by the first mapping that matches.",
        .object(
            ObjectShape([
                Field("url", .string(.nonEmpty), required: true, "The iss claim of its tokens."),
                Field(
                    "audiences", .list(of: .string(.nonEmpty), minItems: 1, uniqueItems: true), required: true,
                    "Accepted aud values; a token must name one."),
                Field(
                    "jwks",
                    .object(
                        ObjectShape(
                            [
                                Field(
                                    "url", .string(.httpURL),
                                    "Fetched by gatewayd, cached and refreshed in the background (https; http only on loopback)."
                                ),
                                Field(
                                    "file", .string(.nonEmpty),
                                    "A JWKS file on the gatewayd host, for air-gapped set-ups; re-read on refresh."),
                            ], exactlyOneOf: [["url", "file"]])), required: true, "Where the signing keys come from."),
                Field(
                    "algorithms",
                    .list(of: .enumeration(TokenAlgorithm.allCases.map(\.rawValue)), minItems: 1, uniqueItems: true),
                    "Accepted signature algorithms; default RS256, ES256 and EdDSA. none and HMAC are never accepted."),
                Field(
                    "identities", .list(of: .reference(workloadIdentity)), "Data-plane identities; first match wins."),
                Field("admin", .list(of: .reference(adminGrant)), "Admin API grants; first match wins."),
            ])))
}
