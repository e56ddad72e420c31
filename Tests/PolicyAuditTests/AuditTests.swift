import GatewayModel
import GatewayPlan
import GwctlCore
import ManifestKit
import PolicyAudit
import TestSupport
import Testing

/// The audit over a gateway seeded from examples/acme, with live facts (ownership, last use) crafted.
@Suite("gwctl audit")
struct AuditTests {
    static let now = Timestamp(rfc3339: "2027-01-25T00:00:00Z")!

    /// examples/acme as the gateway would hold it after `gwctl apply`, created on 2026-06-01.
    static func acme() -> GatewayState {
        let manifests = ManifestLoader().load(paths: [PackageRoot.path("examples/acme")])
        var state = DesiredRecords(state: manifests.state, secrets: [:]).asState
        state.revision = 7
        let created = Timestamp(rfc3339: "2026-06-01T09:00:00Z")!
        func status() -> RecordStatus {
            RecordStatus(revision: 1, managedBy: ManagedBy.gwctl, createdAt: created, updatedAt: created)
        }
        for position in state.providers.indices {
            state.providers[position].status = status()
            if ["openai", "anthropic"].contains(state.providers[position].metadata.name) {
                state.providers[position].secret = SecretFingerprint(salt: "00", sha256: "11")
            }
        }
        for position in state.apiKeys.indices {
            state.apiKeys[position].status = status()
            state.apiKeys[position].prefix = "gw_" + String(state.apiKeys[position].name.prefix(8))
        }
        for position in state.teams.indices { state.teams[position].status = status() }
        return state
    }

    /// acme plus what happens in a live gateway: keys used (or not), and a key made by hand.
    static func lived() -> GatewayState {
        var state = acme()
        func use(_ team: String, _ name: String, _ at: String) {
            let position = state.apiKeys.firstIndex { $0.team == team && $0.name == name }!
            state.apiKeys[position].lastUsedAt = Timestamp(rfc3339: at)
        }
        use("payments", "checkout-backend", "2027-01-24T18:30:00Z")
        use("payments", "fraud-scoring", "2026-09-02T10:00:00Z")
        use("legal", "contract-review", "2027-01-20T08:00:00Z")
        use("platform", "oncall-console", "2027-01-24T07:00:00Z")
        use("platform", "ci-smoke", "2027-01-24T23:00:00Z")
        let created = Timestamp(rfc3339: "2026-12-01T12:00:00Z")!
        state.apiKeys.append(
            APIKeyRecord(
                team: "payments", name: "debug-by-hand", prefix: "gw_debugxyz",
                lastUsedAt: Timestamp(rfc3339: "2027-01-10T00:00:00Z"),
                status: RecordStatus(revision: 5, managedBy: ManagedBy.api, createdAt: created, updatedAt: created)))
        return state
    }

    static func report(_ state: GatewayState, teams: Set<String>? = nil) -> AuditReport {
        Audit.run(
            state, target: "embedded state .gateway/state.db",
            options: Audit.Options(now: now, unusedDays: 30, teams: teams))
    }

    @Test func tableJSONCSVAndMarkdownMatchTheirGoldens() throws {
        let report = Self.report(Self.lived())
        let outputs = [
            ("audit.txt", report.table()), ("audit.json", try report.json()), ("audit-keys.csv", report.csv(.keys)),
            ("audit-findings.csv", report.csv(.findings)), ("audit.md", report.markdown()),
        ]
        for (name, actual) in outputs {
            let golden = "Tests/PolicyAuditTests/Goldens/" + name
            #expect(actual == (try Golden.expected(golden, actual: actual)), "\(name)")
        }
    }

    @Test func eachLiveFindingIsReportedOnTheKeyItIsAbout() {
        let findings = Self.report(Self.lived()).findings.map { "\($0.code.rawValue) \($0.resource)" }
        #expect(
            Set(findings) == [
                "key-unused apiKey/payments/fraud-scoring",
                "key-unused apiKey/research/notebooks",
                "key-unused apiKey/research/eval-runner",
                "key-unused apiKey/growth/copywriter",
                "key-unmanaged apiKey/payments/debug-by-hand",
                "key-no-expiry apiKey/payments/debug-by-hand",
                "key-no-expiry apiKey/platform/ci-smoke",
                "key-team-suspended apiKey/growth/copywriter",
                "key-expiring apiKey/research/notebooks",
                "key-expiring apiKey/research/eval-runner",
            ])
    }

    @Test func reachFollowsAllowlistsRulesZDRAndCredentials() throws {
        let keys = Self.report(Self.lived()).keys
        func reach(_ name: String) -> [String] {
            keys.first { $0.qualifiedName == name }!.reach.map {
                "\($0.provider) \($0.credentialDescription(team: String(name.split(separator: "/")[0])))"
            }
        }
        // Zero data retention: only the ZDR providers, and Azure through the team's own credential.
        #expect(reach("legal/contract-review") == ["azure BYOK legal/azure-legal", "mock system (credits)"])
        // A rule pins the smoke-test key to the mock provider.
        #expect(reach("platform/ci-smoke") == ["mock system (credits)"])
        // The research team's Anthropic calls go through its BYOK credential, never credits.
        #expect(reach("research/notebooks") == ["anthropic BYOK research/anthropic-research"])
        // A suspended team's key reaches nothing.
        #expect(keys.first { $0.qualifiedName == "growth/copywriter" }?.status == .teamSuspended)
        #expect(reach("growth/copywriter").isEmpty)
    }

    @Test func aCleanConfigurationHasNoFindings() {
        var state = Self.acme()
        state.teams.removeAll { $0.metadata.name == "growth" }
        state.apiKeys.removeAll { $0.team == "growth" }
        for position in state.apiKeys.indices {
            state.apiKeys[position].expiresAt = Timestamp(rfc3339: "2027-12-31T00:00:00Z")
            state.apiKeys[position].lastUsedAt = Timestamp(rfc3339: "2027-01-24T00:00:00Z")
        }
        let report = Self.report(state)
        #expect(report.findings.isEmpty, "\(report.findings.map(\.message))")
        #expect(!report.hasFindings(atLeast: .info))
    }

    @Test func teamFilterKeepsOnlyThatTeamsKeysAndFindings() {
        let report = Self.report(Self.lived(), teams: ["payments"])
        #expect(Set(report.keys.map(\.team)) == ["payments"])
        #expect(report.findings.allSatisfy { $0.resource.team == "payments" })
        #expect(report.findings.contains { $0.code == .keyUnmanaged })
    }

    @Test func failOnComparesSeverities() {
        let report = Self.report(Self.lived())
        #expect(report.summary.errors == 0)
        #expect(!report.hasFindings(atLeast: .error))
        #expect(report.hasFindings(atLeast: .warning))
    }
}
