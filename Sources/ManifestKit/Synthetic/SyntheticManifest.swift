/// Generates large, realistic, valid manifest sets for benchmarks and scale tests.
public enum SyntheticManifest {
    /// One multi-document YAML text with `teams` teams of `keysPerTeam` keys each, plus providers,
    /// a policy and rules. Every team has a BYOK credential, allowlists, a budget and rate limits,
    /// and every key a description, expiry, model list and limits, so validation does real work.
    public static func yaml(teams: Int, keysPerTeam: Int) -> String {
        var out = """
            apiVersion: gateway/v1
            kind: GatewayPolicy
            metadata: {name: default}
            spec: {dataRetention: standard, perRequestBYOK: true}
            ---
            apiVersion: gateway/v1
            kind: Provider
            metadata: {name: openai}
            spec:
              type: openai
              baseURL: https://api.openai.com/v1
              secret: {env: SYSTEM_OPENAI_KEY}
              models:
                - {id: openai/gpt-5.4, pricing: {inputPerMTokUSD: 1.25, outputPerMTokUSD: 10}}
                - {id: openai/gpt-5.4-mini, pricing: {inputPerMTokUSD: 0.25, outputPerMTokUSD: 2}}
            ---
            apiVersion: gateway/v1
            kind: Provider
            metadata: {name: anthropic}
            spec:
              type: anthropic
              baseURL: https://api.anthropic.com
              secret: {env: SYSTEM_ANTHROPIC_KEY}
              models:
                - {id: anthropic/claude-sonnet-4.6, upstream: claude-sonnet-4-6}
                - {id: anthropic/claude-haiku-4.5, upstream: claude-haiku-4-5}
            ---
            apiVersion: gateway/v1
            kind: Provider
            metadata: {name: mock}
            spec:
              type: mock
              zeroDataRetention: true
              models: [{id: mock/echo}]
            ---
            apiVersion: gateway/v1
            kind: Rule
            metadata: {name: mini-only}
            spec:
              priority: 10
              match: {models: ["openai/gpt-5.4"]}
              deny: {message: "use openai/gpt-5.4-mini"}

            """
        out.reserveCapacity(teams * (600 + keysPerTeam * 220))
        for team in 0..<teams {
            let name = teamName(team)
            out += """
                ---
                apiVersion: gateway/v1
                kind: Team
                metadata:
                  name: \(name)
                  labels: {cost-center: "\(1000 + team % 9000)"}
                spec:
                  displayName: Team \(team)
                  tier: \(team % 3 == 0 ? "free" : "paid")
                  providers: [openai, anthropic, mock]
                  models: ["openai/gpt-5.4*", "anthropic/claude-*", "mock/*"]
                  budget: {limitUSD: \(100 + team % 900), period: monthly}
                  rateLimit: {requestsPerMinute: 600, tokensPerMinute: 200000}
                  byok:
                    - name: anthropic-own
                      provider: anthropic
                      secret: {env: TEAM_\(team)_ANTHROPIC_KEY}
                  keys:

                """
            for key in 0..<keysPerTeam {
                out += """
                        - name: service-\(key)
                          description: Service \(key) of team \(team)
                          expiresAt: 2030-0\(1 + key % 9)-15T00:00:00Z
                          models: ["openai/gpt-5.4-mini", "anthropic/claude-haiku-*"]
                          rateLimit: {requestsPerMinute: \(60 + key)}

                    """
            }
        }
        return out
    }

    /// The name of synthetic team `index`.
    public static func teamName(_ index: Int) -> String { "team-\(index)" }
}
