import GatewayModel

/// The string syntaxes manifests use, each with its JSON Schema form and a native check.
///
/// Checks are hand-written rather than regular expressions: they run on every name of a
/// 100k-key manifest. `jsonSchemaPattern` states the same language for other tools.
public enum StringFormat: Sendable, Hashable {
    /// Any string, empty included.
    case any
    /// At least one character.
    case nonEmpty
    /// A DNS label: `^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`.
    case resourceName
    /// `team/key`, both parts resource names.
    case keyReference
    /// A canonical model id, `creator/name`.
    case modelID
    /// A glob over model ids (`*`, `?`).
    case modelGlob
    /// An environment variable name.
    case environmentVariable
    /// An `http://` or `https://` URL.
    case httpURL
    /// An RFC 3339 date-time.
    case dateTime

    /// The regular expression for JSON Schema's `pattern`, if the format has one.
    public var jsonSchemaPattern: String? {
        switch self {
        case .any, .nonEmpty, .dateTime: return nil
        case .resourceName: return ResourceName.pattern
        case .keyReference: return "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?/[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
        case .modelID: return "^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._:-]*$"
        case .modelGlob: return "^[A-Za-z0-9._:/*?-]+$"
        case .environmentVariable: return "^[A-Za-z_][A-Za-z0-9_]*$"
        case .httpURL: return "^https?://[^\\s/?#@]+([/?#]\\S*)?$"
        }
    }

    /// Words for an error message: "is not <explanation>".
    public var explanation: String {
        switch self {
        case .any: return "a string"
        case .nonEmpty: return "a non-empty string"
        case .resourceName:
            return
                "a valid name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)"
        case .keyReference: return "a key reference of the form team/key"
        case .modelID: return "a model id of the form creator/name, e.g. openai/gpt-5.4-mini"
        case .modelGlob: return "a model glob (letters, digits, '.', '_', ':', '-', '/', '*' and '?')"
        case .environmentVariable:
            return "an environment variable name (letters, digits and '_', not starting with a digit)"
        case .httpURL: return "an http:// or https:// URL without user:password@ (secrets go in `secret:`)"
        case .dateTime: return "an RFC 3339 timestamp, e.g. 2027-06-30T00:00:00Z"
        }
    }

    /// `text` as an error message may repeat it: a URL's `user:password@` becomes `***@`.
    public func redacted(_ text: String) -> String {
        self == .httpURL ? ProviderURL.redacted(text) : text
    }

    /// Whether `text` is in the format.
    public func accepts(_ text: String) -> Bool {
        switch self {
        case .any: return true
        case .nonEmpty: return !text.isEmpty
        case .resourceName: return StringFormat.isResourceName(Substring(text).utf8)
        case .keyReference:
            let parts = text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            return parts.count == 2 && parts.allSatisfy(StringFormat.isResourceName)
        case .modelID:
            let parts = text.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let creatorFirst = parts[0].first, let nameFirst = parts[1].first else {
                return false
            }
            return StringFormat.isAlphanumeric(creatorFirst) && StringFormat.isAlphanumeric(nameFirst)
                && parts[0].allSatisfy { StringFormat.isAlphanumeric($0) || $0 == 46 || $0 == 95 || $0 == 45 }
                && parts[1].allSatisfy {
                    StringFormat.isAlphanumeric($0) || $0 == 46 || $0 == 95 || $0 == 45 || $0 == 58
                }
        case .modelGlob:
            return !text.isEmpty
                && text.utf8.allSatisfy {
                    StringFormat.isAlphanumeric($0) || [46, 95, 58, 47, 42, 63, 45].contains($0)
                }
        case .environmentVariable:
            guard let first = text.utf8.first, !(48...57).contains(first) else { return false }
            return text.utf8.allSatisfy { StringFormat.isAlphanumeric($0) || $0 == 95 }
        case .httpURL:
            return ProviderURL.isAcceptable(text)
        case .dateTime:
            return Timestamp(rfc3339: text) != nil
        }
    }

    static func isResourceName<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        ResourceName.isValid(bytes)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (97...122).contains(byte) || (65...90).contains(byte) || (48...57).contains(byte)
    }
}
