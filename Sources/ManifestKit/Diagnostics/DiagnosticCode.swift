/// Stable identifiers of diagnostics. Renaming a case is a breaking change for users' CI filters.
public enum DiagnosticCode: String, Sendable, Hashable, CaseIterable, Codable {
    // Reading files and YAML.
    case fileUnreadable = "file-unreadable"
    case noManifests = "no-manifests"
    case yamlSyntax = "yaml-syntax"
    case duplicateKey = "duplicate-key"
    case undefinedAlias = "undefined-alias"
    case aliasLimit = "alias-limit"
    case depthLimit = "depth-limit"
    case unsupportedTag = "unsupported-tag"
    // Shape of a document.
    case notAMapping = "not-a-mapping"
    case unsupportedAPIVersion = "unsupported-api-version"
    case unknownKind = "unknown-kind"
    case unknownField = "unknown-field"
    case missingField = "missing-field"
    case wrongType = "wrong-type"
    case invalidValue = "invalid-value"
    case invalidName = "invalid-name"
    case invalidTimestamp = "invalid-timestamp"
    case outOfRange = "out-of-range"
    case exclusiveFields = "exclusive-fields"
    case duplicateItem = "duplicate-item"
    // Across resources.
    case duplicateName = "duplicate-name"
    case multiplePolicies = "multiple-policies"
    case unknownReference = "unknown-reference"
    // Legal but suspicious (warnings).
    case keyExpired = "key-expired"
    case globMatchesNothing = "glob-matches-nothing"
    case modelNotServed = "model-not-served"
    case byokOnFreeTier = "byok-free-tier"
    case zdrUnsatisfiable = "zdr-unsatisfiable"
    case denyAll = "deny-all"
    case providerWithoutModels = "provider-without-models"
    // Secret resolution at plan time.
    case secretUnresolved = "secret-unresolved"
}
