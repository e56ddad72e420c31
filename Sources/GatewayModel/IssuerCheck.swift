/// What makes an issuer's settings unusable, checked where changesets are validated (the
/// manifest schema says the same per field, with positions).
public enum IssuerCheck {
    /// Problems with `spec`, each a sentence naming the field.
    public static func problems(_ spec: IssuerSpec) -> [String] {
        var messages: [String] = []
        if spec.url.isEmpty { messages.append("url is empty") }
        if spec.audiences.isEmpty || spec.audiences.contains(where: \.isEmpty) {
            messages.append("audiences needs at least one non-empty audience")
        }
        switch (spec.jwksURL, spec.jwksFile) {
        case (nil, nil), (.some, .some): messages.append("exactly one of jwksURL and jwksFile is needed")
        case (let url?, nil) where !isSigningKeyURL(url):
            messages.append("jwksURL must be https (http only on a loopback address)")
        case (nil, let file?) where file.isEmpty: messages.append("jwksFile is empty")
        default: break
        }
        if spec.algorithms.isEmpty { messages.append("algorithms is empty") }
        var names: Set<String> = []
        for identity in spec.identities {
            if !ResourceName.isValid(identity.name) {
                messages.append("'\(identity.name)' is not a valid identity name")
            }
            if !ResourceName.isValid(identity.team) { messages.append("'\(identity.team)' is not a valid team name") }
            if identity.claims.isEmpty { messages.append("identity \(identity.name) matches no claims") }
            if !names.insert(identity.qualifiedName).inserted {
                messages.append("identity \(identity.qualifiedName) appears more than once")
            }
        }
        var grants: Set<String> = []
        for grant in spec.admin {
            if grant.claims.isEmpty { messages.append("admin grant \(grant.name) matches no claims") }
            if !grants.insert(grant.name).inserted {
                messages.append("admin grant \(grant.name) appears more than once")
            }
        }
        return messages
    }

    /// `https://…`, or `http://` to a loopback host (tests, sidecars).
    public static func isSigningKeyURL(_ url: String) -> Bool {
        if url.hasPrefix("https://"), url.count > 8 { return true }
        guard url.hasPrefix("http://") else { return false }
        let host = url.dropFirst(7).prefix { $0 != "/" && $0 != ":" && $0 != "]" }
        return host == "127.0.0.1" || host == "localhost" || url.hasPrefix("http://[::1]")
    }
}
