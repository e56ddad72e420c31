import GatewayModel

extension TokenClaims {
    /// The claims of a JWT payload (or a claims file): every top-level claim flattened to its
    /// text values; nil when there is no `iss` string.
    public init?(payload: JSON) {
        guard let object = payload.object, let issuer = payload["iss"]?.string else { return nil }
        var values: [String: [String]] = [:]
        for member in object {
            let texts: [String]
            switch member.value {
            case .array(let items): texts = items.compactMap(Self.text)
            default: texts = Self.text(member.value).map { [$0] } ?? []
            }
            values[member.key] = texts
        }
        self.init(issuer: issuer, subject: payload["sub"]?.string, values: values)
    }

    private static func text(_ value: JSON) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let number): return number.text
        case .bool(let flag): return flag ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }
}
