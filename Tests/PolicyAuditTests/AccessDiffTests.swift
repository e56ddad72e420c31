import GatewayCrypto
import GatewayModel
import GatewayPlan
import ManifestKit
import PolicyAudit
import TestSupport
import Testing

/// examples/acme as applied, and the same manifests edited as a pull request would.
enum AccessScenario {
    static let secrets: [ResourceRef: String] = [
        .provider("openai"): "sk-acme-openai", .provider("anthropic"): "sk-acme-anthropic",
        .credential(team: "payments", name: "azure-prod"): "az-payments",
        .credential(team: "legal", name: "azure-legal"): "az-legal",
        .credential(team: "research", name: "anthropic-research"): "sk-research",
    ]

    /// The desired records of examples/acme, with its secrets.
    static func desired() -> DesiredRecords {
        let manifests = ManifestLoader().load(paths: [PackageRoot.path("examples/acme")])
        return DesiredRecords(state: manifests.state, secrets: secrets)
    }

    /// examples/acme as the gateway holds it after `gwctl apply`.
    static func live() -> GatewayState {
        var state = desired().asState
        state.revision = 7
        let created = Timestamp(rfc3339: "2026-06-01T09:00:00Z")!
        let status = RecordStatus(revision: 1, managedBy: ManagedBy.gwctl, createdAt: created, updatedAt: created)
        for index in state.providers.indices {
            state.providers[index].status = status
            state.providers[index].secret = secrets[.provider(state.providers[index].metadata.name)].map(
                SecretFingerprint.make)
        }
        for index in state.credentials.indices {
            let credential = state.credentials[index]
            state.credentials[index].status = status
            state.credentials[index].secret = secrets[.credential(team: credential.team, name: credential.name)].map(
                SecretFingerprint.make)
        }
        for index in state.teams.indices { state.teams[index].status = status }
        for index in state.apiKeys.indices { state.apiKeys[index].status = status }
        for index in state.rules.indices { state.rules[index].status = status }
        state.policy?.status = status
        return state
    }

    /// The plan of `edit` applied to acme's manifests, with its access review.
    static func plan(_ edit: (inout DesiredRecords) -> Void) -> Plan {
        var desired = desired()
        edit(&desired)
        let live = live()
        var plan = Planner().plan(desired: desired, actual: live, target: "embedded state (golden)")
        plan.access = AccessDiff.review(plan, actual: live, desired: desired)
        return plan
    }

    static func team(_ name: String, in desired: inout DesiredRecords, _ edit: (inout TeamRecord) -> Void) {
        let index = desired.teams.firstIndex { $0.metadata.name == name }!
        edit(&desired.teams[index])
    }

    // The edits, one per kind of change the review must explain.
    static func allowlist(_ desired: inout DesiredRecords) {
        team("research", in: &desired) { $0.providers = ["anthropic", "openai"] }
    }
    static func rule(_ desired: inout DesiredRecords) {
        desired.rules.removeAll { $0.metadata.name == "opus-is-for-paid-teams" }
    }
    static func zdr(_ desired: inout DesiredRecords) {
        team("payments", in: &desired) { $0.dataRetention = .zero }
    }
    static func tier(_ desired: inout DesiredRecords) {
        team("legal", in: &desired) { $0.tier = .free }
        desired.policy?.byokRequiresPaidTier = true
    }
    static func suspension(_ desired: inout DesiredRecords) {
        team("growth", in: &desired) { $0.suspension = nil }
    }
    static func credential(_ desired: inout DesiredRecords) {
        desired.credentials.removeAll { $0.name == "anthropic-research" }
        desired.secrets[.credential(team: "research", name: "anthropic-research")] = nil
    }
    static func keyMove(_ desired: inout DesiredRecords) {
        let index = desired.apiKeys.firstIndex { $0.name == "fraud-scoring" }!
        desired.apiKeys[index].team = "research"
    }
}

@Suite("Access review in plans")
struct AccessDiffTests {
    static let goldens = "Tests/PolicyAuditTests/Goldens"

    @Test func aPlanInSyncReviewsNothing() {
        let plan = AccessScenario.plan { _ in }
        #expect(!plan.hasChanges)
        #expect(plan.access == AccessReview.none)
        #expect(!PlanRenderer.text(plan).contains("Access"))
    }

    @Test func widerAllowlistGainsReachThroughTheCredentialThatPays() throws {
        let access = try #require(AccessScenario.plan(AccessScenario.allowlist).access)
        let gain = try #require(access.changes.first)
        #expect(gain.kind == .gains && gain.widening && gain.provider == "openai")
        // openai/gpt-4o is not among them: rule retire-gpt-4o rewrites it to openai/gpt-5.4-mini.
        #expect(gain.models == ["openai/gpt-5.4", "openai/gpt-5.4-mini", "openai/text-embedding-3-small"])
        #expect(gain.after == CredentialUse(kind: .system))
        #expect(gain.keys == 1 && gain.examples == ["research/notebooks"])
        #expect(gain.reasons == ["team research: provider allowlist now includes openai"])
        // The key with its own allowlist of Anthropic models gains nothing.
        #expect(access.keysCompared == 2 && access.keysChanged == 1)
    }

    @Test func aDeletedDenyRuleGainsWhatItRefused() throws {
        let access = try #require(AccessScenario.plan(AccessScenario.rule).access)
        #expect(access.changes.count == 1)
        let gain = try #require(access.changes.first)
        #expect(gain.provider == "anthropic" && gain.models == ["anthropic/claude-opus-4.6"])
        #expect(gain.after == CredentialUse(kind: .teamBYOK, name: "anthropic-research"))
        #expect(
            gain.reasons == [
                "rule opus-is-for-paid-teams is deleted (it denies anthropic/claude-opus-* for teams research)"
            ])
        // Every key was decided again (a rule changed); only research's keys without their own allowlist changed.
        #expect(access.keysCompared == AccessScenario.live().apiKeys.count && access.keysChanged == 1)
    }

    @Test func zeroDataRetentionNarrowsToZDRProviders() throws {
        let access = try #require(AccessScenario.plan(AccessScenario.zdr).access)
        #expect(access.changes.allSatisfy { !$0.widening && $0.kind == .loses })
        #expect(Set(access.changes.map(\.provider)) == ["anthropic", "openai"])
        let setting = try #require(access.settings.first)
        #expect(setting.aspect == "dataRetention" && !setting.widening && setting.examples == ["team/payments"])
    }

    @Test func aPaidTierRequirementRefusesAFreeTeamsBYOK() throws {
        let access = try #require(AccessScenario.plan(AccessScenario.tier).access)
        let loss = try #require(access.changes.first { $0.provider == "azure" })
        #expect(loss.kind == .loses && loss.before == CredentialUse(kind: .teamBYOK, name: "azure-legal"))
        #expect(loss.reasons == ["BYOK now requires a paid tier", "team legal: tier is now free (was paid)"])
        // research (free) holds a BYOK credential for Anthropic: it is refused, not paid from credits instead.
        let research = try #require(access.changes.first { $0.provider == "anthropic" })
        #expect(research.kind == .loses && research.examples == ["research/eval-runner", "research/notebooks"])
        #expect(access.changes.allSatisfy { !$0.widening })
        #expect(access.settings.map(\.aspect).contains("tier"))
        #expect(access.settings.contains { $0.aspect == "byokRequiresPaidTier" && !$0.widening })
    }

    @Test func liftingASuspensionIsWidening() throws {
        let access = try #require(AccessScenario.plan(AccessScenario.suspension).access)
        let setting = try #require(access.settings.first)
        #expect(setting.aspect == "suspension" && setting.widening && setting.examples == ["team/growth"])
        // A suspended team's reach is what its keys get back: the policy still decides it, unchanged.
        #expect(access.changes.isEmpty)
    }

    @Test func aDeletedBYOKCredentialMovesSpendToCredits() throws {
        let access = try #require(AccessScenario.plan(AccessScenario.credential).access)
        let moved = try #require(access.changes.first)
        #expect(moved.kind == .credential && moved.widening && moved.keys == 2)
        #expect(moved.before == CredentialUse(kind: .teamBYOK, name: "anthropic-research"))
        #expect(moved.after == CredentialUse(kind: .system))
        #expect(moved.reasons == ["team research: credential anthropic-research for anthropic is deleted"])
        // research has no budget: its keys can now spend credits without one.
        #expect(access.spend.unbudgetedBefore == 0 && access.spend.unbudgetedAfter == 2)
    }

    @Test func aKeyMoveLosesTheOldTeamsReachAndGainsTheNewOnes() throws {
        let access = try #require(AccessScenario.plan(AccessScenario.keyMove).access)
        #expect(access.keysCompared == 2 && access.keysChanged == 2)
        #expect(access.changes.contains { $0.kind == .gains && $0.examples == ["research/fraud-scoring"] })
        #expect(access.changes.contains { $0.kind == .loses && $0.examples == ["payments/fraud-scoring"] })
        #expect(
            access.changes.allSatisfy {
                $0.reasons.contains { $0.contains("moves from team payments to team research") }
            })
        // In research the key pays through the team's BYOK credential, so it spends no credits.
        #expect(access.spend.unbudgetedAfter == 0)
    }

    @Test func everyKindOfChangeRendersAsItsGoldens() throws {
        let plan = AccessScenario.plan { desired in
            AccessScenario.allowlist(&desired)
            AccessScenario.rule(&desired)
            AccessScenario.zdr(&desired)
            AccessScenario.tier(&desired)
            AccessScenario.suspension(&desired)
            AccessScenario.credential(&desired)
            AccessScenario.keyMove(&desired)
        }
        let outputs = [
            ("access-plan.txt", PlanRenderer.text(plan)), ("access-plan.json", try PlanRenderer.json(plan)),
            ("access-plan.md", MarkdownRenderer.markdown(plan)),
        ]
        for (name, actual) in outputs {
            let path = "\(Self.goldens)/\(name)"
            #expect(
                actual == (try Golden.expected(path, actual: actual)),
                "\(path) differs; run with GWCTL_UPDATE_GOLDENS=1 to review")
            for secret in AccessScenario.secrets.values { #expect(!actual.contains(secret)) }
        }
        // Widening is said before narrowing in every rendering.
        let text = PlanRenderer.text(plan)
        let widens = try #require(text.range(of: "Widens:"))
        let narrows = try #require(text.range(of: "Narrows or moves:"))
        #expect(widens.lowerBound < narrows.lowerBound)
    }

    /// 1,000 teams of 10 keys, and a provider change that reaches all 10,000 keys.
    @Test func aChangeAffecting10000KeysReadsInUnder50Lines() throws {
        var desired = DesiredRecords(state: DesiredState(), secrets: [.provider("openai"): "sk"])
        desired.providers = [
            ProviderRecord(
                metadata: ResourceMetadata(name: "openai"), type: .openai, baseURL: "https://api.openai.com/v1",
                models: [ProviderModel(id: "openai/gpt-5.4"), ProviderModel(id: "openai/gpt-5.4-mini")])
        ]
        for team in 0..<1000 {
            let name = "team-\(team)"
            desired.teams.append(TeamRecord(metadata: ResourceMetadata(name: name), tier: .paid))
            for key in 0..<10 { desired.apiKeys.append(APIKeyRecord(team: name, name: "key-\(key)", rotation: 0)) }
        }
        var live = desired.asState
        let status = RecordStatus(
            revision: 1, managedBy: ManagedBy.gwctl, createdAt: .now, updatedAt: .now)
        live.providers[0].status = status
        live.providers[0].secret = SecretFingerprint.make("sk")
        live.providers[0].models.removeLast()
        for index in live.teams.indices { live.teams[index].status = status }
        for index in live.apiKeys.indices { live.apiKeys[index].status = status }
        var plan = Planner().plan(desired: desired, actual: live, target: "test")
        plan.access = AccessDiff.review(plan, actual: live, desired: desired)
        let access = try #require(plan.access)
        #expect(access.keysChanged == 10_000)
        #expect(access.changes.count == 1 && access.changes[0].keys == 10_000)
        for rendering in [PlanRenderer.text(plan), MarkdownRenderer.markdown(plan)] {
            let lines = rendering.split(separator: "\n", omittingEmptySubsequences: false).count
            #expect(lines < 50, "\(lines) lines")
            #expect(rendering.contains("10000 keys gain openai: openai/gpt-5.4-mini"))
        }
    }
}
