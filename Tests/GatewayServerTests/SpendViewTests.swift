import GatewayModel
import GatewayStore
import Logging
import StoreFixtures
import Synchronization
import Testing

@testable import GatewayServer

/// The balances and budget spend the data plane admits against, held in memory between reads.
@Suite("Spend view")
struct SpendViewTests {
    /// Counts the reads that reach the store.
    final class CountingLedger: SpendLedger {
        let store: any SpendLedger
        let reads = Mutex(0)

        init(_ store: any SpendLedger) { self.store = store }

        func balance(team: String) async throws -> Int64 {
            reads.withLock { $0 += 1 }
            return try await store.balance(team: team)
        }

        func spend(team: String, key: String?, since: Timestamp) async throws -> Int64 {
            reads.withLock { $0 += 1 }
            return try await store.spend(team: team, key: key, since: since)
        }
    }

    static func usage(
        _ id: String, key: String, cost: Int64, kind: UsageRecord.CredentialKind = .system, at: Int64
    )
        -> UsageRecord
    {
        UsageRecord(
            requestID: id, team: "research", key: key, model: "mock/echo", provider: "mock", credentialKind: kind,
            inputTokens: 1, outputTokens: 1, costMicroUSD: cost, at: Timestamp(seconds: at))
    }

    @Test func servedRequestsMoveTheFiguresWithoutReadingTheStoreAgain() async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        _ = try await fixture.store.apply(
            Changeset(operations: [Sample.create(team: Sample.team("research"))]), actor: "test")
        _ = try await fixture.store.grantCredits(team: "research", CreditGrant(amountMicroUSD: 10_000), actor: "test")
        let ledger = CountingLedger(fixture.store)
        let view = SpendView(
            store: ledger, usage: UsageWriter(store: fixture.store, logger: Logger(label: "test")),
            freshness: .seconds(3600))
        let month = Timestamp(seconds: 1_000_000)
        #expect(try await view.balance(team: "research") == 10_000)
        #expect(try await view.spend(team: "research", key: nil, since: month) == 0)
        #expect(try await view.spend(team: "research", key: "notebooks", since: month) == 0)
        #expect(try await view.spend(team: "research", key: "other", since: month) == 0)

        view.charge(Self.usage("r1", key: "notebooks", cost: 4_000, at: 1_000_100))
        // BYOK spend is the team's own, and spend before a period's start is not in it.
        view.charge(Self.usage("r2", key: "notebooks", cost: 500, kind: .teamBYOK, at: 1_000_100))
        view.charge(Self.usage("r3", key: "notebooks", cost: 700, at: 999_999))

        #expect(try await view.balance(team: "research") == 10_000 - 4_000 - 700)
        #expect(try await view.spend(team: "research", key: nil, since: month) == 4_000)
        #expect(try await view.spend(team: "research", key: "notebooks", since: month) == 4_000)
        #expect(try await view.spend(team: "research", key: "other", since: month) == 0)
        #expect(ledger.reads.withLock { $0 } == 4)
    }

    @Test func aForgottenTeamAndAStaleFigureAreReadAgain() async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        _ = try await fixture.store.apply(
            Changeset(operations: [Sample.create(team: Sample.team("research"))]), actor: "test")
        let ledger = CountingLedger(fixture.store)
        let writer = UsageWriter(store: fixture.store, logger: Logger(label: "test"))
        let view = SpendView(store: ledger, usage: writer, freshness: .seconds(3600))
        #expect(try await view.balance(team: "research") == 0)
        // A grant by another writer of the state is not seen while the figure is fresh…
        _ = try await fixture.store.grantCredits(team: "research", CreditGrant(amountMicroUSD: 5_000), actor: "test")
        #expect(try await view.balance(team: "research") == 0)
        // …and is once the team is forgotten (a grant through this gatewayd's admin API).
        view.forget(team: "research")
        #expect(try await view.balance(team: "research") == 5_000)

        // With no freshness every read goes to the store, after writing what was served.
        let eager = SpendView(store: ledger, usage: writer, freshness: .zero)
        writer.note(Self.usage("r1", key: "notebooks", cost: 1_500, at: Timestamp.now.seconds))
        #expect(try await eager.balance(team: "research") == 3_500)
        #expect(try await eager.balance(team: "research") == 3_500)
        #expect(ledger.reads.withLock { $0 } == 4)
    }

    /// A ledger whose second read waits until the test releases it; later reads answer -1 at once.
    final class GatedLedger: SpendLedger {
        let reads = Mutex(0)
        let (entered, enter) = AsyncStream.makeStream(of: Void.self)
        let (releases, release) = AsyncStream.makeStream(of: Int64.self)

        func balance(team: String) async throws -> Int64 {
            let read = reads.withLock {
                $0 += 1
                return $0
            }
            if read == 1 { return 100 }
            guard read == 2 else { return -1 }
            enter.yield()
            for await value in releases { return value }
            return 0
        }

        func spend(team: String, key: String?, since: Timestamp) async throws -> Int64 { 0 }
    }

    @Test func whileOneRequestReadsAStaleFigureTheOthersUseTheHeldOne() async throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        let ledger = GatedLedger()
        let view = SpendView(
            store: ledger, usage: UsageWriter(store: fixture.store, logger: Logger(label: "test")), freshness: .zero)
        #expect(try await view.balance(team: "research") == 100)
        let refreshing = Task { try await view.balance(team: "research") }
        var entered = ledger.entered.makeAsyncIterator()
        _ = await entered.next()
        // The figure is stale, but one request is already reading it: no second read.
        #expect(try await view.balance(team: "research") == 100)
        #expect(ledger.reads.withLock { $0 } == 2)
        ledger.release.yield(40)
        #expect(try await refreshing.value == 40)
    }
}
