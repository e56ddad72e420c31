import Foundation
import GatewayCrypto
import GatewayModel
import GatewayStore
import StoreFixtures
import Testing

/// One suite, two conformances: every test runs against the embedded adapter and against the
/// HTTP client talking to a live gatewayd router on a loopback socket.
@Suite("GatewayAdmin conformance")
struct AdminConformanceTests {
    @Test(arguments: AdminTarget.allCases)
    func createsReadsUpdatesAndDeletesEveryKind(target: AdminTarget) async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        try await fixture.withAdmin(target) { admin in
            let created = try await admin.apply(
                Changeset(
                    operations: [
                        Sample.create(provider: Sample.provider(), secret: "sys-secret-1"), Sample.policy,
                        Sample.create(team: Sample.team("payments", providers: ["mock"])),
                        Sample.create(credential: Sample.credential("payments", "byok"), secret: "byok-secret-1"),
                        Sample.create(key: Sample.key("payments", "checkout")),
                        Sample.create(rule: Sample.rule("deny-old", teams: ["payments"], keys: ["payments/checkout"])),
                    ], managedBy: ManagedBy.gwctl))
            #expect(created.revision == 1)
            #expect(created.results.count == 6)

            var state = try await admin.state()
            #expect(state.revision == 1)
            #expect(state.resourceCount == 6)
            #expect(state.providers.first?.secret?.matches("sys-secret-1") == true)
            #expect(state.credentials.first?.secret?.matches("byok-secret-1") == true)
            #expect(state.credentials.first?.options == ["resourceName": "acme"])
            #expect(state.teams.first?.metadata.labels == ["owner": "payments-eng"])
            #expect(state.apiKeys.first?.prefix?.hasPrefix("gw_") == true)
            #expect(state.apiKeys.first?.rateLimit == RateLimit(requestsPerMinute: 60))
            #expect(state.rules.first?.action == .deny(message: "retired"))
            #expect(state.policy?.dataRetention == .zero)
            #expect(state.revisions.values.allSatisfy { $0 == 1 })
            #expect(state.teams.first?.status?.managedBy == ManagedBy.gwctl)

            var team = Sample.team("payments", providers: ["mock"])
            team.displayName = "Payments"
            team.budget = Budget(limitUSD: 500, period: .monthly)
            var credential = Sample.credential("payments", "byok")
            credential.options = [:]
            let updated = try await admin.apply(
                Changeset(operations: [
                    ChangeOperation(op: .update, target: .team("payments"), ifRevision: 1, payload: .team(team)),
                    ChangeOperation(
                        op: .update, target: .credential(team: "payments", name: "byok"), ifRevision: 1,
                        payload: .credential(credential), secret: "byok-secret-2"),
                    ChangeOperation(
                        op: .update, target: .provider("mock"), ifRevision: 1, payload: .provider(Sample.provider()),
                        clearSecret: true),
                ]))
            #expect(updated.revision == 2)
            state = try await admin.state()
            #expect(state.teams.first?.displayName == "Payments")
            #expect(state.teams.first?.status?.revision == 2)
            #expect(state.teams.first?.status?.managedBy == ManagedBy.gwctl)
            #expect(state.credentials.first?.secret?.matches("byok-secret-2") == true)
            #expect(state.providers.first?.secret == nil)
            #expect(state.apiKeys.first?.status?.revision == 1)

            let deleted = try await admin.apply(
                Changeset(operations: [
                    ChangeOperation(op: .delete, target: .rule("deny-old"), ifRevision: 1),
                    ChangeOperation(op: .delete, target: .apiKey(team: "payments", name: "checkout")),
                    ChangeOperation(op: .delete, target: .credential(team: "payments", name: "byok")),
                    ChangeOperation(op: .delete, target: .team("payments"), ifRevision: 2),
                    ChangeOperation(op: .delete, target: .provider("mock")),
                    ChangeOperation(op: .delete, target: .policy),
                ]))
            #expect(deleted.revision == 3)
            state = try await admin.state()
            #expect(state.resourceCount == 0)
            #expect(state.revision == 3)
        }
    }

    @Test(arguments: AdminTarget.allCases)
    func aChangesetWithOneBadOperationChangesNothing(target: AdminTarget) async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        try await fixture.withAdmin(target) { admin in
            _ = try await admin.apply(Changeset(operations: [Sample.create(provider: Sample.provider())]))
            let before = try await admin.state()
            let error = await #expect(throws: GatewayAdminError.self) {
                try await admin.apply(
                    Changeset(operations: [
                        Sample.create(team: Sample.team("payments")),
                        Sample.create(key: Sample.key("payments", "checkout")),
                        Sample.create(
                            credential: Sample.credential("payments", "azure", provider: "azure"), secret: "x"),
                    ]))
            }
            guard case .invalidChangeset(let problems) = error else {
                Issue.record("expected invalidChangeset, got \(String(describing: error))")
                return
            }
            #expect(problems.map(\.target) == [.credential(team: "payments", name: "azure")])
            #expect(problems.first?.message.contains("provider/azure does not exist") == true)
            #expect(try await admin.state() == before)
        }
    }

    @Test(arguments: AdminTarget.allCases)
    func aStalePreconditionIsRefusedNamingEveryResource(target: AdminTarget) async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        try await fixture.withAdmin(target) { admin in
            _ = try await admin.apply(
                Changeset(operations: [
                    Sample.create(provider: Sample.provider()), Sample.create(team: Sample.team("payments")),
                    Sample.create(team: Sample.team("research")),
                ]))
            _ = try await admin.apply(
                Changeset(operations: [
                    ChangeOperation(
                        op: .update, target: .team("research"), ifRevision: 1, payload: .team(Sample.team("research")))
                ]))
            let before = try await admin.state()
            let error = await #expect(throws: GatewayAdminError.self) {
                try await admin.apply(
                    Changeset(operations: [
                        ChangeOperation(
                            op: .update, target: .team("payments"), ifRevision: 1,
                            payload: .team(Sample.team("payments"))),
                        ChangeOperation(op: .delete, target: .team("research"), ifRevision: 1),
                        Sample.create(provider: Sample.provider()),
                        ChangeOperation(op: .delete, target: .team("growth")),
                    ]))
            }
            guard case .conflict(let conflicts) = error else {
                Issue.record("expected conflict, got \(String(describing: error))")
                return
            }
            #expect(
                conflicts.map(\.target) == [.team("research"), .provider("mock"), .team("growth")])
            #expect(conflicts.first?.expectedRevision == 1 && conflicts.first?.actualRevision == 2)
            #expect(conflicts.last?.actualRevision == nil)
            #expect(try await admin.state() == before)
        }
    }

    @Test(arguments: AdminTarget.allCases)
    func keySecretsAreReturnedOnceAndRotationMintsANewOne(target: AdminTarget) async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        try await fixture.withAdmin(target) { admin in
            let created = try await admin.apply(
                Changeset(operations: [
                    Sample.create(team: Sample.team("payments")),
                    Sample.create(key: Sample.key("payments", "checkout")),
                ]))
            let first = try #require(created.secret(team: "payments", key: "checkout"))
            #expect(first.hasPrefix("gw_") && first.count == 46)
            let state = try await admin.state()
            let stateJSON = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
            #expect(!stateJSON.contains(first))
            #expect(state.apiKeys.first?.prefix == String(first.prefix(11)))

            var key = Sample.key("payments", "checkout")
            key.rotation = 1
            let rotated = try await admin.apply(
                Changeset(operations: [
                    ChangeOperation(
                        op: .rotate, target: .apiKey(team: "payments", name: "checkout"), ifRevision: 1,
                        payload: .apiKey(key))
                ]))
            let second = try #require(rotated.secret(team: "payments", key: "checkout"))
            #expect(second != first)
            #expect(try await admin.state().apiKeys.first?.rotation == 1)

            let plainUpdate = try await admin.apply(
                Changeset(operations: [
                    ChangeOperation(
                        op: .update, target: .apiKey(team: "payments", name: "checkout"), payload: .apiKey(key))
                ]))
            #expect(plainUpdate.results.first?.secret == nil)
        }
    }

    @Test(arguments: AdminTarget.allCases)
    func referencedResourcesCannotBeDeletedAlone(target: AdminTarget) async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        try await fixture.withAdmin(target) { admin in
            _ = try await admin.apply(
                Changeset(operations: [
                    Sample.create(provider: Sample.provider()),
                    Sample.create(team: Sample.team("payments", providers: ["mock"])),
                    Sample.create(key: Sample.key("payments", "checkout")),
                ]))
            let error = await #expect(throws: GatewayAdminError.self) {
                try await admin.apply(
                    Changeset(operations: [
                        ChangeOperation(op: .delete, target: .team("payments")),
                        ChangeOperation(op: .delete, target: .provider("mock")),
                    ]))
            }
            guard case .invalidChangeset(let problems) = error else {
                Issue.record("expected invalidChangeset, got \(String(describing: error))")
                return
            }
            #expect(problems.count == 1)
            #expect(problems.first?.message.contains("1 API keys still refer to it (checkout)") == true)
            #expect(try await admin.state().resourceCount == 3)
        }
    }

    @Test(arguments: AdminTarget.allCases)
    func malformedOperationsAreRefusedBeforeAnythingIsRead(target: AdminTarget) async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        try await fixture.withAdmin(target) { admin in
            let error = await #expect(throws: GatewayAdminError.self) {
                try await admin.apply(
                    Changeset(operations: [
                        ChangeOperation(
                            op: .create, target: .team("Bad_Name"), payload: .team(Sample.team("Bad_Name"))),
                        ChangeOperation(op: .create, target: .team("mismatch"), payload: .team(Sample.team("other"))),
                        ChangeOperation(
                            op: .rotate, target: .team("payments"), payload: .team(Sample.team("payments"))),
                        ChangeOperation(op: .create, target: .apiKey(team: "payments", name: "k")),
                        ChangeOperation(
                            op: .create, target: .credential(team: "payments", name: "c"),
                            payload: .credential(Sample.credential("payments", "c"))),
                        ChangeOperation(
                            op: .create, target: .provider("proxy"),
                            payload: .provider(
                                ProviderRecord(
                                    metadata: ResourceMetadata(name: "proxy"), type: .openaiCompatible,
                                    baseURL: "https://svc:hunter2@proxy.example/v1"))),
                    ]))
            }
            guard case .invalidChangeset(let problems) = error else {
                Issue.record("expected invalidChangeset, got \(String(describing: error))")
                return
            }
            let messages = problems.map(\.description)
            #expect(messages.contains("team/Bad_Name: 'Bad_Name' is not a valid name"))
            #expect(messages.contains("team/mismatch: metadata.name differs from the target"))
            #expect(messages.contains("team/payments: only API keys can be rotated"))
            #expect(messages.contains("apiKey/payments/k: create needs exactly the 'apiKey' settings"))
            #expect(messages.contains("credential/payments/c: a credential needs its secret"))
            #expect(
                messages.contains(
                    "provider/proxy: baseURL 'https://***@proxy.example/v1' is not an http:// or https:// URL without user:password@"
                ))
            #expect(!messages.joined().contains("hunter2"))
            let revision = try await admin.state().revision
            #expect(revision == 0)
        }
    }
}
