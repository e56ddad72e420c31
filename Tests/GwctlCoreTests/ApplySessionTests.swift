import Foundation
import GatewayModel
import GatewayPlan
import GwctlCore
import Testing

/// `gwctl apply`'s rules, reached without spawning gwctl: what refuses before anything changes,
/// the confirmation, and where minted keys go.
@Suite("Apply session")
struct ApplySessionTests {
    /// Two teams whose keys share a dotenv variable (`GW_KEY_PAY__MENTS__CHECKOUT`).
    static let manifest = """
        apiVersion: gateway/v1
        kind: Provider
        metadata: {name: mock}
        spec:
          type: mock
          models: [{id: mock/echo, pricing: {inputPerMTokUSD: 0.1, outputPerMTokUSD: 0.1}}]
        ---
        apiVersion: gateway/v1
        kind: Team
        metadata: {name: pay--ments}
        spec:
          tier: paid
          keys: [{name: checkout}]
        ---
        apiVersion: gateway/v1
        kind: Team
        metadata: {name: pay}
        spec:
          tier: paid
          keys: [{name: ments--checkout}]
        """

    /// A working directory with the manifest and an embedded state path.
    struct Workspace {
        let directory: URL
        var state: String { directory.appendingPathComponent("state.db").path }
        var target: GatewayTarget { .embedded(statePath: state) }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("apply-session-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try ApplySessionTests.manifest.write(
                to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        }

        func plan() async throws -> (Plan, [ResourceRef: String]) {
            let session = PlanSession(
                paths: [directory.appendingPathComponent("gateway.yaml").path], target: target,
                options: Planner.Options(), accessReview: false)
            guard case .planned(let plan, let desired, _, _) = try await session.run() else {
                Issue.record("the manifest does not plan")
                throw ApplySession.Refusal("no plan")
            }
            return (plan, desired.secrets)
        }

        func session(_ options: ApplySession.Options) async throws -> ApplySession {
            let (plan, secrets) = try await plan()
            return ApplySession(plan: plan, secrets: secrets, target: target, options: options)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test func aNonInteractiveApplyThatMintsKeysWithNowhereToPutThemRefusesBeforeAnyChange() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let session = try await workspace.session(.init(autoApprove: true))
        #expect(throws: ApplySession.Refusal.self) { try session.check() }
        do {
            _ = try await session.run(say: { _ in }, confirm: { true })
            Issue.record("applied")
        } catch let refusal as ApplySession.Refusal {
            #expect(
                refusal.message.hasPrefix("this apply mints 2 API keys; pass --keys-out FILE or --keys-command CMD"))
            #expect(refusal.message.hasSuffix("Nothing was applied."))
        }
        #expect((try await workspace.target.reader()?.state().teams ?? []).isEmpty)
    }

    @Test func withoutATerminalOrAutoApproveNothingIsAskedOrApplied() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let keys = workspace.directory.appendingPathComponent("keys.json").path
        let session = try await workspace.session(.init(keysOut: keys))
        var asked = false
        await #expect(
            throws: ApplySession.Refusal(
                "not a terminal; pass --auto-approve to apply without confirmation. Nothing was applied.")
        ) {
            _ = try await session.run(
                say: { _ in },
                confirm: {
                    asked = true; return true
                })
        }
        #expect(!asked)
        #expect(!FileManager.default.fileExists(atPath: keys))
    }

    @Test func aDeclinedConfirmationChangesNothing() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let keys = workspace.directory.appendingPathComponent("keys.json").path
        let session = try await workspace.session(.init(keysOut: keys, interactive: true))
        guard case .cancelled = try await session.run(say: { _ in }, confirm: { false }) else {
            Issue.record("not cancelled")
            return
        }
        #expect((try await workspace.target.reader()?.state().teams ?? []).isEmpty)
    }

    @Test func keysWhoseDotenvNamesCollideAreRefusedForADotenvFileOnly() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let dotenv = try await workspace.session(
            .init(keysOut: workspace.directory.appendingPathComponent("keys.env").path, autoApprove: true))
        do {
            try dotenv.check()
            Issue.record("pay--ments/checkout and pay/ments--checkout share a variable and were not refused")
        } catch let refusal as ApplySession.Refusal {
            #expect(refusal.message.hasPrefix("these keys would share a dotenv variable:\n"))
            #expect(refusal.message.hasSuffix("Use --keys-format json. Nothing was applied."))
        }
        let json = try await workspace.session(
            .init(
                keysOut: workspace.directory.appendingPathComponent("keys.env").path, keysFormat: .json,
                autoApprove: true))
        try json.check()
    }

    @Test func anAppliedPlanWritesTheMintedKeysAndASecondApplyOfTheSamePlanIsStale() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let keys = workspace.directory.appendingPathComponent("keys.json").path
        let (plan, secrets) = try await workspace.plan()
        let options = ApplySession.Options(keysOut: keys, autoApprove: true)
        var said: [String] = []
        let outcome = try await ApplySession(plan: plan, secrets: secrets, target: workspace.target, options: options)
            .run(say: { said.append($0) }, confirm: { true })
        guard case .applied(let result, let minted, let undelivered) = outcome else {
            Issue.record("not applied: \(outcome)")
            return
        }
        #expect(result.revision == 1)
        #expect(minted.keys.map(\.name).sorted() == ["checkout", "ments--checkout"])
        #expect(undelivered.isEmpty)
        #expect(said.first == "Applying 5 changes as one changeset…")
        #expect(said.contains("Wrote 2 new key secrets to \(keys) (mode 0600)."))
        #expect(said.last == "Apply complete: 5 created, 0 updated, 0 deleted, 0 rotated. State revision 1.")
        #expect(!said.joined().contains(minted.keys[0].secret), "a keys file means no secret on the terminal")
        let written = try String(contentsOfFile: keys, encoding: .utf8)
        #expect(written.contains(minted.keys[0].secret))

        // The same plan again: every resource it creates exists now, so its preconditions fail.
        await #expect(throws: ApplySession.Refusal.self) {
            _ = try await ApplySession(
                plan: plan, secrets: secrets, target: workspace.target,
                options: .init(
                    keysOut: workspace.directory.appendingPathComponent("again.json").path, autoApprove: true)
            ).run(say: { _ in }, confirm: { true })
        }
        #expect(try await workspace.target.reader()?.state().revision == 1)
    }
}
