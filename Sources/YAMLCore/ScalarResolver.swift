/// Types scalars by the YAML 1.2 core schema (not YAML 1.1): `yes`, `no`, `on`, `off`, `y`, `n`
/// stay strings, `0777` is the decimal 777, and timestamps are plain strings.
public enum ScalarResolver {
    public static let stringTag = "tag:yaml.org,2002:str"
    public static let intTag = "tag:yaml.org,2002:int"
    public static let floatTag = "tag:yaml.org,2002:float"
    public static let boolTag = "tag:yaml.org,2002:bool"
    public static let nullTag = "tag:yaml.org,2002:null"

    /// The standard tags the resolver understands; any other explicit tag is the consumer's to refuse.
    public static let knownTags: Set<String> = [
        stringTag, intTag, floatTag, boolTag, nullTag, "!",
        "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
    ]

    /// Resolves `scalar` honouring an explicit `tag`; quoted and block scalars are strings.
    public static func resolve(_ scalar: YAMLScalar, tag: String?) -> ResolvedScalar {
        switch tag {
        case stringTag?, "!"?:
            return .string(scalar.text)
        case intTag?:
            if let value = integer(scalar.text) { return .int(value) }
            return .invalid(tag: "!!int")
        case floatTag?:
            if let value = float(scalar.text) ?? integer(scalar.text).map(Double.init) { return .float(value) }
            return .invalid(tag: "!!float")
        case boolTag?:
            if let value = bool(scalar.text) { return .bool(value) }
            return .invalid(tag: "!!bool")
        case nullTag?:
            return isNull(scalar.text) ? .null : .invalid(tag: "!!null")
        default:
            guard scalar.style == .plain else { return .string(scalar.text) }
            return resolvePlain(scalar.text)
        }
    }

    /// Core-schema resolution of an untagged plain scalar.
    public static func resolvePlain(_ text: String) -> ResolvedScalar {
        let utf8 = text.utf8
        guard let first = utf8.first else { return .null }
        // Fast path: most scalars in manifests are names, which cannot be anything but strings.
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            if let value = integer(text) { return .int(value) }
            if let value = float(text) { return .float(value) }
            if isDecimalDigits(text) { return .float(Double(text) ?? .infinity) }
            return .string(text)
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            return isNull(text) ? .null : .string(text)
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"):
            if let value = bool(text) { return .bool(value) }
            return .string(text)
        default:
            return .string(text)
        }
    }

    static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`; nil when the text is not one or overflows.
    static func integer(_ text: String) -> Int? {
        var bytes = Substring(text).utf8[...]
        if bytes.starts(with: "0o".utf8) {
            bytes = bytes.dropFirst(2)
            guard !bytes.isEmpty, bytes.allSatisfy({ (48...55).contains($0) }) else { return nil }
            return Int(String(Substring(bytes)), radix: 8)
        }
        if bytes.starts(with: "0x".utf8) {
            bytes = bytes.dropFirst(2)
            guard !bytes.isEmpty, bytes.allSatisfy(isHexDigit) else { return nil }
            return Int(String(Substring(bytes)), radix: 16)
        }
        var digits = bytes
        if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf`, `.nan` (any of the three cases).
    static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        let bytes = Array(text.utf8)
        var index = 0
        if index < bytes.count, bytes[index] == 45 || bytes[index] == 43 { index += 1 }
        var mantissaDigits = 0
        while index < bytes.count, isDigit(bytes[index]) {
            index += 1
            mantissaDigits += 1
        }
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) {
                index += 1
                mantissaDigits += 1
            }
        }
        guard mantissaDigits > 0 else { return nil }
        if index < bytes.count, bytes[index] == 101 || bytes[index] == 69 {
            index += 1
            if index < bytes.count, bytes[index] == 45 || bytes[index] == 43 { index += 1 }
            var exponentDigits = 0
            while index < bytes.count, isDigit(bytes[index]) {
                index += 1
                exponentDigits += 1
            }
            guard exponentDigits > 0 else { return nil }
        }
        guard index == bytes.count else { return nil }
        return Double(text)
    }

    private static func isDecimalDigits(_ text: String) -> Bool {
        var digits = Substring(text).utf8[...]
        if let sign = digits.first, sign == 45 || sign == 43 { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy(isDigit)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
    }
}
