import GatewayModel
import ManifestKit
import Testing
import YAMLCore

/// Overlays (`patch: true`) and variables (`${var.NAME}`), as an environment's paths load them.
@Suite("Overlays and variables")
struct OverlayTests {
    static let base = """
        apiVersion: gateway/v1
        kind: Provider
        metadata: {name: openai}
        spec:
          type: openai
          baseURL: https://api.openai.com/v1
          secret: {env: OPENAI_KEY}
          models:
            - {id: openai/gpt-5.4-mini, pricing: {inputPerMTokUSD: 0.25, outputPerMTokUSD: 2}}
            - {id: openai/gpt-5.4}
        ---
        apiVersion: gateway/v1
        kind: Team
        metadata:
          name: payments
          labels: {owner: payments-eng}
        spec:
          tier: paid
          providers: [openai]
          models: ["openai/gpt-5.4-mini", "openai/gpt-5.4"]
          budget: {limitUSD: 100, period: monthly}
          keys:
            - name: checkout
              description: Checkout
              rateLimit: {requestsPerMinute: 60}
            - name: batch
              description: Batch jobs

        """

    static func load(_ files: [(String, String)], variables: [String: YAMLScalar]? = nil) -> ManifestSet {
        ManifestLoader(options: .init(variables: variables)).load(
            sources: files.map { ManifestLoader.Source(path: $0.0, text: $0.1) })
    }

    static func team(_ set: ManifestSet) throws -> Team {
        try #require(set.state.teams.first { $0.metadata.name == "payments" })
    }

    @Test func mappingsMergeNamedListsMergeByNameNullRemovesAndOtherListsReplace() throws {
        let overlay = """
            apiVersion: gateway/v1
            kind: Team
            metadata:
              name: payments
              labels: {env: production}
            patch: true
            spec:
              budget: null
              models: ["openai/gpt-5.4"]
              keys:
                - name: checkout
                  rateLimit: {requestsPerMinute: 600}
                - name: batch
                  $patch: delete
                - name: reports
                  description: Monthly reports
            ---
            apiVersion: gateway/v1
            kind: Provider
            metadata: {name: openai}
            patch: true
            spec:
              models:
                - {id: openai/gpt-5.4, pricing: {inputPerMTokUSD: 1.25, outputPerMTokUSD: 10}}

            """
        let set = Self.load([("base.yaml", Self.base), ("production.yaml", overlay)])
        #expect(set.isValid, "\(set.diagnostics)")
        let team = try Self.team(set)
        #expect(team.metadata.labels == ["owner": "payments-eng", "env": "production"])
        #expect(team.budget == nil)
        #expect(team.models == ["openai/gpt-5.4"])
        #expect(team.keys.map(\.name) == ["checkout", "reports"])
        // The merged key keeps what the overlay did not say.
        #expect(team.keys.first?.description == "Checkout")
        #expect(team.keys.first?.rateLimit?.requestsPerMinute == 600)
        #expect(team.tier == .paid)
        let models = try #require(set.state.providers.first?.models)
        #expect(models.map(\.id) == ["openai/gpt-5.4-mini", "openai/gpt-5.4"])
        #expect(models.last?.pricing?.outputPerMTokUSD == 10)
        #expect(models.first?.pricing?.inputPerMTokUSD == 0.25)
        // The overlay is in its own file; the merged resource is counted once.
        #expect(set.state.teams.count == 1 && set.state.providers.count == 1)
    }

    @Test func aDiagnosticInAPatchNamesTheOverlayPositionAndTheBaseItPatches() throws {
        let overlay = """
            # production overlay
            apiVersion: gateway/v1
            kind: Team
            metadata: {name: payments}
            patch: true
            spec:
              keys:
                - name: checkout
                  rateLimit: {requestsPerMinute: lots}
              providers: [openai, azur]

            """
        let set = Self.load([("base.yaml", Self.base), ("production.yaml", overlay)])
        let rendered = DiagnosticRenderer.text(set.diagnostics)
        #expect(!set.isValid)
        let wrongType = try #require(set.diagnostics.first { $0.code == .wrongType }, "\(rendered)")
        #expect(wrongType.location.description == "production.yaml:9:38")
        #expect(
            wrongType.notes.contains {
                $0.message == "this patches Team 'payments', defined here"
                    && $0.location.description == "base.yaml:15:9"
            }, "\(wrongType.notes)")
        let reference = try #require(set.diagnostics.first { $0.code == .unknownReference }, "\(rendered)")
        #expect(reference.location.description == "production.yaml:10:23")
        #expect(reference.message == "spec.providers[1]: unknown Provider 'azur'")
        // No line number from the overlay ranges leaks out.
        #expect(set.diagnostics.allSatisfy { ($0.location.line ?? 0) < 1000 })
    }

    @Test func aPatchWithoutABaseAndAnUnmarkedDuplicateAreErrors() {
        let patch = """
            apiVersion: gateway/v1
            kind: Team
            metadata: {name: paymnets}
            patch: true
            spec: {tier: free}

            """
        let missing = Self.load([("base.yaml", Self.base), ("staging.yaml", patch)])
        let diagnostic = missing.diagnostics.first { $0.code == .overlayTargetMissing }
        #expect(diagnostic?.message == "patch: no earlier Team named 'paymnets' to patch; did you mean 'payments'?")
        #expect(diagnostic?.location.description == "staging.yaml:1:1")

        let duplicate = patch.replacingOccurrences(of: "patch: true\n", with: "").replacingOccurrences(
            of: "paymnets", with: "payments")
        let twice = Self.load([("base.yaml", Self.base), ("staging.yaml", duplicate)])
        #expect(twice.diagnostics.contains { $0.code == .duplicateName && $0.location.file == "staging.yaml" })
    }

    @Test func variablesAreTypedWhereTheyLandAndMissingOnesAreErrorsAtTheirPosition() throws {
        let manifest = Self.base.replacingOccurrences(
            of: "budget: {limitUSD: 100, period: monthly}",
            with: "budget: {limitUSD: \"${var.budget}\", period: monthly}"
        ).replacingOccurrences(of: "description: Checkout\n", with: "description: Checkout for ${var.region}\n")
        let variables = [
            "budget": YAMLScalar(text: "750", style: .plain), "region": YAMLScalar(text: "eu", style: .plain),
        ]
        let set = Self.load([("base.yaml", manifest)], variables: variables)
        #expect(set.isValid, "\(set.diagnostics)")
        let team = try Self.team(set)
        #expect(team.budget?.limitUSD == 750)
        #expect(team.keys.first?.description == "Checkout for eu")

        let misspelt = Self.load(
            [("base.yaml", manifest)], variables: ["budgt": variables["budget"]!, "region": variables["region"]!])
        let undefined = try #require(misspelt.diagnostics.first { $0.code == .undefinedVariable })
        #expect(undefined.message == "undefined variable 'budget'; did you mean 'budgt'?")
        #expect(undefined.location.description == "base.yaml:21:22")

        let noEnvironment = Self.load([("base.yaml", manifest)])
        #expect(noEnvironment.diagnostics.contains { $0.code == .undefinedVariable && $0.message.contains("--env") })
    }

    @Test func aVariableNeverCarriesASecret() {
        let manifest = Self.base.replacingOccurrences(
            of: "secret: {env: OPENAI_KEY}", with: "secret: {env: \"${var.key}\"}")
        let set = Self.load(
            [("base.yaml", manifest)], variables: ["key": YAMLScalar(text: "OPENAI_KEY", style: .plain)])
        let refused = set.diagnostics.first { $0.code == .variableInSecret }
        #expect(refused?.location.description == "base.yaml:7:17")
        #expect(!set.isValid)
    }
}
