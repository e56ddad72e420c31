import GatewayModel
import ManifestKit
import Testing

/// `rotationOverlap` on keys and `keyRotationOverlap` on the policy: one spelling of time spans,
/// decoded to seconds, refused at their position when malformed or longer than allowed.
@Suite("Rotation overlap in manifests")
struct RotationOverlapTests {
    static func load(policyOverlap: String, keyOverlap: String) -> ManifestSet {
        let text = """
            apiVersion: gateway/v1
            kind: GatewayPolicy
            metadata: {name: default}
            spec:
              keyRotationOverlap: \(policyOverlap)
            ---
            apiVersion: gateway/v1
            kind: Team
            metadata: {name: payments}
            spec:
              keys:
                - name: checkout
                  rotationOverlap: \(keyOverlap)

            """
        return ManifestLoader().load(sources: [.init(path: "gateway.yaml", text: text)])
    }

    @Test func spansDecodeToSeconds() throws {
        let loaded = Self.load(policyOverlap: "30m", keyOverlap: "0")
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        #expect(loaded.state.policy?.keyRotationOverlapSeconds == 1_800)
        #expect(loaded.state.teams.first?.keys.first?.rotationOverlapSeconds == 0)
        #expect(
            Self.load(policyOverlap: "2d", keyOverlap: "90s").state.teams.first?.keys.first?.rotationOverlapSeconds
                == 90)
        #expect(Interval.text(86_400) == "24h" && Interval.text(172_800) == "2d" && Interval.text(90) == "90s")
    }

    @Test(arguments: ["1 day", "-5m", "24", "91d"])
    func aBadSpanIsAnErrorAtItsPosition(text: String) throws {
        let loaded = Self.load(policyOverlap: "24h", keyOverlap: text)
        let diagnostic = try #require(loaded.diagnostics.first)
        #expect(loaded.diagnostics.count == 1, "\(loaded.diagnostics)")
        #expect(diagnostic.location.line == 13, "\(text)")
        #expect(diagnostic.location.column == 24, "\(text)")
        #expect(
            diagnostic.message.contains(text == "91d" ? "longer than 90d" : "is not a span of time"),
            "\(diagnostic.message)")
    }
}
