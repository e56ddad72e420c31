extension ManifestSet {
    /// What the manifests declare, in words: `3 providers, 4 teams (12 keys, 2 BYOK credentials), 4 rules, 1 policy`.
    public var summary: String {
        let state = self.state
        let credentials = state.teams.reduce(0) { $0 + $1.byok.count }
        func count(_ n: Int, _ noun: String, _ plural: String? = nil) -> String {
            "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
        }
        return [
            count(state.providers.count, "provider"),
            "\(count(state.teams.count, "team")) (\(count(state.keyCount, "key")), \(count(credentials, "BYOK credential")))",
            count(state.rules.count, "rule"),
            count(state.policy == nil ? 0 : 1, "policy", "policies"),
        ].joined(separator: ", ")
            + (state.issuers.isEmpty
                ? ""
                : ", " + count(state.issuers.count, "issuer") + " ("
                    + count(state.issuers.reduce(0) { $0 + $1.spec.identities.count }, "identity", "identities") + ")")
            + (state.accessTests.isEmpty ? "" : ", " + count(state.accessTests.count, "access test"))
    }
}
