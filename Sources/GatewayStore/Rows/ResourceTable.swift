import GatewayModel

/// Where each kind of resource lives; the same table names in every backend.
package struct ResourceTable: Sendable {
    package let name: String
    package let teamScoped: Bool
    /// The order the state lists rows in (byte order of the identity columns).
    package var order: String { teamScoped ? "team, name" : "name" }

    package static func of(_ kind: ResourceKind) -> ResourceTable {
        switch kind {
        case .provider: return ResourceTable(name: "providers", teamScoped: false)
        case .policy: return ResourceTable(name: "policy", teamScoped: false)
        case .team: return ResourceTable(name: "teams", teamScoped: false)
        case .credential: return ResourceTable(name: "credentials", teamScoped: true)
        case .apiKey: return ResourceTable(name: "api_keys", teamScoped: true)
        case .rule: return ResourceTable(name: "rules", teamScoped: false)
        case .issuer: return ResourceTable(name: "issuers", teamScoped: false)
        }
    }

    /// What a sealed secret is bound to: moving its ciphertext to another row breaks decryption.
    package static func secretContext(_ target: ResourceRef) -> String { "gatewayd/v1/\(target)" }
}
