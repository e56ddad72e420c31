import Foundation
import GatewayModel
import GatewayStore
import GatewayStorePostgres
import Logging
import StoreFixtures
import TestSupport
import Testing

/// What the admin conformance suite cannot see through `GatewayAdmin`: money, usage, last use,
/// secrets for the data plane, the audit log and concurrent writers, on both backends.
@Suite("Store conformance")
struct StoreConformanceTests {
    static let base = Changeset(
        operations: [
            Sample.create(provider: Sample.provider(), secret: "system-secret"),
            Sample.create(team: Sample.team("payments")), Sample.create(team: Sample.team("legal")),
            Sample.create(credential: Sample.credential("payments", "byok"), secret: "byok-secret"),
            Sample.create(key: Sample.key("payments", "checkout")), Sample.create(key: Sample.key("legal", "review")),
        ], managedBy: ManagedBy.gwctl)

    @Test(arguments: StoreBackend.allCases)
    func creditsMoveOnlyForSystemSpendAndTheLedgerAgrees(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.apply(Self.base, actor: "test")
            let granted = try await store.grantCredits(
                team: "payments", CreditGrant(amountMicroUSD: 5_000_000, reason: "welcome"), actor: "test")
            #expect(granted.balanceMicroUSD == 5_000_000)
            #expect(try await store.revision() == 2)
            let now = Timestamp.now
            try await store.recordUsage(usage("r1", kind: .system, cost: 1_250_000, at: now))
            try await store.recordUsage(usage("r2", kind: .teamBYOK, cost: 900_000, at: now))
            #expect(try await store.balance(team: "payments") == 3_750_000)
            #expect(try await store.credits(team: "payments")?.balanceMicroUSD == 3_750_000)
            #expect(try await store.credits(team: "nobody") == nil)
            #expect(try await store.spend(team: "payments", key: nil, since: Timestamp(seconds: 0)) == 1_250_000)
            #expect(try await store.spend(team: "payments", key: "other", since: Timestamp(seconds: 0)) == 0)
            #expect(
                try await store.usage(since: Timestamp(seconds: 0), team: "payments").map(\.requestID) == ["r1", "r2"])
            #expect(try await store.usage(since: Timestamp(seconds: 0), team: "legal").isEmpty)
            await #expect(throws: StoreError.self) {
                try await store.grantCredits(team: "nobody", CreditGrant(amountMicroUSD: 1), actor: "test")
            }
            let log = try await store.auditLog(after: 0, limit: 100)
            #expect(log.count == 7)
            #expect(log.last?.operation == "grant-credits")
            #expect(log.map(\.id) == log.map(\.id).sorted())
            #expect(try await store.auditLog(after: log[5].id, limit: 100).count == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aRotationKeepsThePreviousSecretForTheOverlapAndNeverItsHash(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var base = Self.base
            base.operations.append(
                ChangeOperation(
                    op: .create, target: .policy, payload: .policy(PolicyRecord(keyRotationOverlapSeconds: 3_600))))
            let first = try #require(
                try await store.apply(base, actor: "test").secret(team: "payments", key: "checkout"))
            func rotate(to rotation: Int, overlap: Int64?) async throws -> String {
                var key = Sample.key("payments", "checkout")
                key.rotation = rotation
                key.rotationOverlapSeconds = overlap
                let operation = ChangeOperation(
                    op: .rotate, target: .apiKey(team: "payments", name: "checkout"), payload: .apiKey(key))
                let result = try await store.apply(Changeset(operations: [operation]), actor: "test")
                return try #require(result.secret(team: "payments", key: "checkout"))
            }
            // The policy's hour, then the key's own zero.
            let second = try await rotate(to: 1, overlap: nil)
            let third = try await rotate(to: 2, overlap: 0)

            let hashes = try await store.apiKeyHashes().filter { $0.name == "checkout" }
            #expect(hashes.count == 3)
            let current = try #require(hashes.first { $0.previous == nil })
            #expect(current.hash == APIKeySecret.hash(of: third))
            let byHash = Dictionary(uniqueKeysWithValues: hashes.map { ($0.hash, $0.previous) })
            let firstSecret = try #require(byHash[APIKeySecret.hash(of: first)] ?? nil)
            let secondSecret = try #require(byHash[APIKeySecret.hash(of: second)] ?? nil)
            #expect(firstSecret.retiresAt.seconds - firstSecret.rotatedAt.seconds == 3_600)
            #expect(secondSecret.retiresAt == secondSecret.rotatedAt)
            #expect(firstSecret.prefix == String(first.prefix(firstSecret.prefix.count)))

            let key = try #require(try await store.state().apiKeys.first { $0.name == "checkout" })
            #expect(key.previousSecrets == [firstSecret, secondSecret])
            let json = try await store.stateJSON()
            #expect(try JSONDecoder().decode(GatewayState.self, from: Data(json)).apiKeys.contains(key))
            for hash in hashes.map(\.hash) { #expect(Data(json).range(of: Data(hash.utf8)) == nil) }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func keyHashesSecretsAndLastUseServeTheDataPlane(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let result = try await store.apply(Self.base, actor: "test")
            let secret = try #require(result.secret(team: "payments", key: "checkout"))
            let hashes = try await store.apiKeyHashes()
            #expect(Set(hashes.map { "\($0.team)/\($0.name)" }) == ["payments/checkout", "legal/review"])
            #expect(hashes.contains { $0.hash == APIKeySecret.hash(of: secret) && $0.name == "checkout" })
            #expect(try await store.secret(of: .provider("mock")) == "system-secret")
            #expect(try await store.secret(of: .credential(team: "payments", name: "byok")) == "byok-secret")
            #expect(try await store.secret(of: .credential(team: "legal", name: "byok")) == nil)

            let later = Timestamp(seconds: Timestamp.now.seconds + 60)
            let earlier = Timestamp(seconds: later.seconds - 30)
            try await store.recordKeyUse([KeyUse(team: "payments", name: "checkout", at: later)])
            try await store.recordKeyUse([KeyUse(team: "payments", name: "checkout", at: earlier)])
            let state = try await store.state()
            #expect(state.apiKeys.first { $0.name == "checkout" }?.lastUsedAt == later)
            #expect(state.apiKeys.first { $0.name == "review" }?.lastUsedAt == nil)
            #expect(state.revision == 1)
            let json = try JSONDecoder().decode(GatewayState.self, from: Data(try await store.stateJSON()))
            #expect(json == state)
            #expect(try await store.resource(.apiKey(team: "legal", name: "review")) != nil)
            #expect(try await store.resource(.apiKey(team: "legal", name: "gone")) == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentChangesetsGetDistinctConsecutiveRevisions(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.apply(Self.base, actor: "test")
            let writers = 8
            let perWriter = 5
            let revisions = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var revisions: [Int64] = []
                        for change in 0..<perWriter {
                            let result = try await store.apply(
                                Changeset(operations: [
                                    Sample.create(team: Sample.team("team-\(writer)-\(change)"))
                                ]), actor: "writer-\(writer)")
                            revisions.append(result.revision)
                        }
                        return revisions
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(revisions.sorted() == Array(2...Int64(1 + writers * perWriter)))
            let state = try await store.state()
            #expect(state.revision == Int64(1 + writers * perWriter))
            #expect(state.teams.count == 2 + writers * perWriter)
            let log = try await store.auditLog(after: 0, limit: 1000)
            #expect(Set(log.map(\.revision)).count == 1 + writers * perWriter)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aChangesetSentTwiceUnderOneIdempotencyKeyAppliesOnce(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.apply(Self.base, actor: "test")
            let mint = Changeset(operations: [Sample.create(key: Sample.key("payments", "batch"))])
            // Eight retries racing the first: one applies, every answer is its answer.
            let results = try await withThrowingTaskGroup(of: ChangesetResult.self) { group in
                for _ in 0..<8 { group.addTask { try await store.apply(mint, actor: "test", idempotencyKey: "k-1") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results).count == 1)
            #expect(results[0].revision == 2)
            #expect(results[0].results.first?.secret?.hasPrefix("gw_") == true)
            #expect(try await store.revision() == 2)
            #expect(try await store.auditLog(after: 0, limit: 1000).filter { $0.revision == 2 }.count == 1)
            await #expect(throws: StoreError.idempotencyKeyReused("k-1")) {
                try await store.apply(
                    Changeset(operations: [Sample.create(team: Sample.team("other"))]), actor: "test",
                    idempotencyKey: "k-1")
            }
            // A changeset refused under a key is not remembered: the key can carry a corrected one.
            let stale = Changeset(operations: [Sample.create(key: Sample.key("payments", "batch"))])
            await #expect(throws: GatewayAdminError.self) {
                try await store.apply(stale, actor: "test", idempotencyKey: "k-2")
            }
            await #expect(throws: StoreError.self) {
                try await store.apply(mint, actor: "test", idempotencyKey: "not valid")
            }
            #expect(try await store.revision() == 2)
            let fixed = Changeset(operations: [Sample.create(key: Sample.key("payments", "nightly"))])
            #expect(try await store.apply(fixed, actor: "test", idempotencyKey: "k-2").revision == 3)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentDebitsOfOneTeamAreNeverLost(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.apply(Self.base, actor: "test")
            _ = try await store.grantCredits(team: "payments", CreditGrant(amountMicroUSD: 1_000_000), actor: "test")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await store.recordUsage(
                            StoreConformanceTests.usage("debit-\(index)", kind: .system, cost: 7_000, at: .now))
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.balance(team: "payments") == 1_000_000 - 100 * 7_000)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func trafficGroupsWhatAReplayDecidesAlikeAndKeepsTheModelAskedFor(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.apply(Self.base, actor: "test")
            let now = Timestamp.now
            var rewritten = usage("r1", kind: .system, cost: 100, at: now)
            rewritten.requestedModel = "mock/old"
            rewritten.endpoint = .chat
            var again = usage("r2", kind: .system, cost: 250, at: now)
            again.requestedModel = "mock/old"
            again.endpoint = .chat
            var embedding = usage("r3", kind: .teamBYOK, cost: 40, at: now)
            embedding.endpoint = .embeddings
            // Written before gatewayd kept the model asked for: replayed as the model served, on chat.
            let legacy = usage("r4", kind: .system, cost: 7, at: now)
            let old = usage("r5", kind: .system, cost: 1, at: Timestamp(seconds: now.seconds - 3_600))
            try await store.recordUsage([rewritten, again, embedding, legacy, old])

            #expect(
                try await store.usage(since: now, team: nil).map(\.requestedModel) == [
                    "mock/old", "mock/old", nil, nil,
                ])
            #expect(try await store.usage(since: now, team: nil).map(\.endpoint) == [.chat, .chat, .embeddings, nil])
            let groups = try await store.traffic(since: now)
            #expect(
                groups == [
                    TrafficGroup(
                        team: "payments", key: "checkout", requestedModel: "mock/echo", endpoint: .chat,
                        provider: "mock",
                        credentialKind: .system, requests: 1, inputTokens: 10, outputTokens: 20, costMicroUSD: 7),
                    TrafficGroup(
                        team: "payments", key: "checkout", requestedModel: "mock/echo", endpoint: .embeddings,
                        provider: "mock", credentialKind: .teamBYOK, credentialName: "byok", requests: 1,
                        inputTokens: 10,
                        outputTokens: 20, costMicroUSD: 40),
                    TrafficGroup(
                        team: "payments", key: "checkout", requestedModel: "mock/old", endpoint: .chat,
                        provider: "mock",
                        credentialKind: .system, requests: 2, inputTokens: 20, outputTokens: 40, costMicroUSD: 350),
                ])
            // The store's grouping and the model's agree.
            #expect(
                Set(groups)
                    == Set(TrafficGroup.grouping(try await store.usage(since: now, team: nil))))
            #expect(try await store.traffic(since: Timestamp(seconds: 0)).map(\.requests).reduce(0, +) == 5)
        }
    }

    static func usage(
        _ id: String, kind: UsageRecord.CredentialKind, cost: Int64, at: Timestamp
    ) -> UsageRecord {
        UsageRecord(
            requestID: id, team: "payments", key: "checkout", model: "mock/echo", provider: "mock",
            credentialKind: kind, credentialName: kind == .teamBYOK ? "byok" : nil, inputTokens: 10, outputTokens: 20,
            costMicroUSD: cost, at: at)
    }

    private func usage(_ id: String, kind: UsageRecord.CredentialKind, cost: Int64, at: Timestamp) -> UsageRecord {
        Self.usage(id, kind: kind, cost: cost, at: at)
    }
}

@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test func masterKeyRotationResealsEverySecretUnderTheNewKey() async throws {
        let url = try TestPostgres.freshDatabase()
        defer { TestPostgres.drop(url) }
        let location = try PostgresLocation(url: url)
        let old = MasterKeyring.generate()
        try await PostgresGatewayStore.with(location, keyring: old, logger: Logger(label: "test")) { store in
            _ = try await store.apply(StoreConformanceTests.base, actor: "test")
        }
        let both = old.adding(MasterKeyring.generateKey())
        let resealed = try await PostgresGatewayStore.with(location, keyring: both, logger: Logger(label: "test")) {
            try await $0.resealSecrets()
        }
        #expect(resealed == 2)
        let current = both.currentOnly()
        let (system, byok, again) = try await PostgresGatewayStore.with(
            location, keyring: current, logger: Logger(label: "test")
        ) { store in
            (
                try await store.secret(of: .provider("mock")),
                try await store.secret(of: .credential(team: "payments", name: "byok")), try await store.resealSecrets()
            )
        }
        #expect(system == "system-secret")
        #expect(byok == "byok-secret")
        #expect(again == 0)
    }

    @Test func aURLIsParsedAndItsPasswordNeverShown() throws {
        let location = try PostgresLocation(
            url: "postgres://gw:s3cr%40t@db.internal:6432/gateway?sslmode=require", environment: [:])
        #expect(location.host == "db.internal")
        #expect(location.port == 6432)
        #expect(location.username == "gw")
        #expect(location.password == "s3cr@t")
        #expect(location.database == "gateway")
        #expect(location.sslMode == "require")
        #expect(!location.description.contains("s3cr"))
        #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: "postgres://h/db?sslmode=maybe") }
        let error = #expect(throws: PostgresLocationError.self) {
            try PostgresLocation(url: "postgres://user:hunter2@/db")
        }
        #expect(error?.description.contains("hunter2") == false)
        let fromEnvironment = try PostgresLocation(url: "postgresql://h/db", environment: ["PGPASSWORD": "pw"])
        #expect(fromEnvironment.password == "pw")
        #expect(fromEnvironment.port == 5432)
    }
}
