/// Stable identifiers of diagnostics. Renaming one is a breaking change for users' CI filters.
///
/// A string, not a closed enum, so that the plan-time lint can report the audit's finding codes
/// (`zdr-unsatisfiable`, `rewrite-loop`, …) under their own names.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    // Reading files and YAML.
    public static let fileUnreadable = DiagnosticCode(rawValue: "file-unreadable")
    public static let noManifests = DiagnosticCode(rawValue: "no-manifests")
    public static let yamlSyntax = DiagnosticCode(rawValue: "yaml-syntax")
    public static let duplicateKey = DiagnosticCode(rawValue: "duplicate-key")
    public static let undefinedAlias = DiagnosticCode(rawValue: "undefined-alias")
    public static let aliasLimit = DiagnosticCode(rawValue: "alias-limit")
    public static let depthLimit = DiagnosticCode(rawValue: "depth-limit")
    public static let unsupportedTag = DiagnosticCode(rawValue: "unsupported-tag")
    // Shape of a document.
    public static let notAMapping = DiagnosticCode(rawValue: "not-a-mapping")
    public static let unsupportedAPIVersion = DiagnosticCode(rawValue: "unsupported-api-version")
    public static let unknownKind = DiagnosticCode(rawValue: "unknown-kind")
    public static let unknownField = DiagnosticCode(rawValue: "unknown-field")
    public static let missingField = DiagnosticCode(rawValue: "missing-field")
    public static let wrongType = DiagnosticCode(rawValue: "wrong-type")
    public static let invalidValue = DiagnosticCode(rawValue: "invalid-value")
    public static let invalidName = DiagnosticCode(rawValue: "invalid-name")
    public static let invalidTimestamp = DiagnosticCode(rawValue: "invalid-timestamp")
    public static let outOfRange = DiagnosticCode(rawValue: "out-of-range")
    public static let exclusiveFields = DiagnosticCode(rawValue: "exclusive-fields")
    public static let duplicateItem = DiagnosticCode(rawValue: "duplicate-item")
    // Across resources.
    public static let duplicateName = DiagnosticCode(rawValue: "duplicate-name")
    public static let multiplePolicies = DiagnosticCode(rawValue: "multiple-policies")
    public static let unknownReference = DiagnosticCode(rawValue: "unknown-reference")
    // Environments: overlays, variables and the project file.
    public static let overlayTargetMissing = DiagnosticCode(rawValue: "overlay-target-missing")
    public static let undefinedVariable = DiagnosticCode(rawValue: "undefined-variable")
    public static let variableInSecret = DiagnosticCode(rawValue: "variable-in-secret")
    public static let invalidProject = DiagnosticCode(rawValue: "invalid-project")
    // Access tests (gwctl test, and validate, plan and apply).
    public static let accessTestFailed = DiagnosticCode(rawValue: "access-test-failed")
    // Secret resolution at plan time.
    public static let secretUnresolved = DiagnosticCode(rawValue: "secret-unresolved")
    public static let secretRefused = DiagnosticCode(rawValue: "secret-refused")
}
