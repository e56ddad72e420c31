import AdminAPI
import Foundation
import GatewayModel
import TestSupport
import Testing

/// Two gatewayd instances on one PostgreSQL server that is stopped under traffic and started
/// again, as a database restart or failover does (RELIABILITY.md, "A fleet through a database
/// outage").
@Suite("A fleet through a PostgreSQL outage")
struct FleetOutageTests {
    @Test func trafficIsServedThroughA5SecondOutageAndEveryRequestIsRecordedOnce() async throws {
        let postgres = try OwnPostgres.start()
        defer { postgres.stop() }
        let database = try postgres.database("fleet")
        try await Fleet.with(database: database, arguments: ["--drain-timeout", "3"], teams: ["paying": ""]) { fleet in
            let served = Shared(0)
            let refusals = Shared<[String]>([])
            let running = Shared(true)
            let start = ContinuousClock.now
            let outage:
                (down: Double, up: Double, adminStatus: String, adminSeconds: Double, fresh: Double, changed: Double) =
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for client in 0..<2 {
                            group.addTask {
                                var turn = client
                                while running.current {
                                    let instance = turn % 2
                                    turn += 1
                                    if let status = await fleet.chat(instance, team: "paying"), status == 200 {
                                        served.update { $0 += 1 }
                                    } else {
                                        let at = String(format: "%.2f", seconds(since: start))
                                        refusals.update { $0.append("instance \(instance) at \(at) s") }
                                    }
                                    try await Task.sleep(for: .milliseconds(40))
                                }
                            }
                        }
                        try await Task.sleep(for: .seconds(2))
                        try postgres.pause()
                        let down = seconds(since: start)
                        try await Task.sleep(for: .seconds(2))
                        // A change cannot be written: refused at once, and nothing half-applied.
                        let adminStart = ContinuousClock.now
                        var adminStatus = "applied"
                        do {
                            _ = try await fleet.admin(0).grantCredits(team: "paying", CreditGrant(amountMicroUSD: 1))
                        } catch {
                            adminStatus = "\(error)"
                        }
                        let adminSeconds = seconds(since: adminStart)
                        // At once, or after the 2 s the store is given to answer (plus a loaded machine's delays).
                        #expect(adminSeconds < 5, "the admin write was answered after \(adminSeconds) s")
                        try await Task.sleep(for: .seconds(3))
                        try postgres.resume()
                        let up = seconds(since: start)
                        // Fresh state: both instances read the store again (their /healthz says ok, not degraded)…
                        let resumed = ContinuousClock.now
                        for instance in 0..<2 {
                            while await fleet.health(instance) != "ok", seconds(since: resumed) < 10 {
                                try await Task.sleep(for: .milliseconds(20))
                            }
                        }
                        let fresh = seconds(since: resumed)
                        // …and a key made after the restart works on both.
                        var secret: String?
                        while secret == nil, seconds(since: resumed) < 10 {
                            secret = try? await fleet.admin(0).apply(
                                Changeset(operations: [
                                    ChangeOperation(
                                        op: .create, target: .apiKey(team: "paying", name: "after"),
                                        payload: .apiKey(APIKeyRecord(team: "paying", name: "after")))
                                ])
                            ).results.first?.secret
                            if secret == nil { try await Task.sleep(for: .milliseconds(50)) }
                        }
                        let created = try #require(secret, "no change could be applied within 10 s of the restart")
                        for instance in 0..<2 {
                            while await fleet.get(instance, "/v1/models", secret: created) != 200,
                                seconds(since: resumed) < 10
                            {
                                try await Task.sleep(for: .milliseconds(20))
                            }
                        }
                        let changed = seconds(since: resumed)
                        try await Task.sleep(for: .seconds(1))
                        running.update { $0 = false }
                        try await group.waitForAll()
                        return (down, up, adminStatus, adminSeconds, fresh, changed)
                    }
            let failures = refusals.current
            print(
                "outage: PostgreSQL down \(String(format: "%.2f", outage.down)) – \(String(format: "%.2f", outage.up)) s; "
                    + "\(served.current) served, \(failures.count) refused; an admin write during it refused in "
                    + "\(String(format: "%.2f", outage.adminSeconds)) s; "
                    + "both instances on fresh state \(String(format: "%.2f", outage.fresh)) s after the restart, "
                    + "a change made then served by both \(String(format: "%.2f", outage.changed)) s after it")
            #expect(failures.isEmpty, "refused during the outage: \(failures)")
            #expect(outage.adminStatus.contains("state_unavailable"), "\(outage.adminStatus)")
            #expect(outage.fresh < 2, "fresh state only after \(outage.fresh) s")
            #expect(outage.changed < 5, "a change was served by both only after \(outage.changed) s")

            // Every served request's usage, once, whatever was held during the outage.
            let expected = served.current
            var recorded = try fleet.usageCount()
            let waited = ContinuousClock.now
            while recorded < expected, seconds(since: waited) < 30 {
                try await Task.sleep(for: .milliseconds(100))
                recorded = try fleet.usageCount()
            }
            print("usage written \(String(format: "%.2f", seconds(since: waited))) s after the traffic ended")
            let usageLines = (0..<2).flatMap { (fleet.process($0)?.output ?? "").split(separator: "\n") }
                .filter { $0.contains("usage") }.prefix(20)
            #expect(
                recorded == expected, "\(recorded) usage records for \(expected) served requests: \(usageLines)")
            let log = fleet.process(0)?.output ?? ""
            #expect(log.contains("serving the last state read"), "the outage is in the log")

            // SIGTERM while the database is down ends the process within the drain time (3 s).
            #expect(await fleet.chat(1, team: "paying") == 200)
            try postgres.pause()
            let stopping = ContinuousClock.now
            let stopped = fleet.process(1)
            let status = fleet.stop(1, timeout: 20)
            let took = seconds(since: stopping)
            print("SIGTERM with PostgreSQL down: exited \(status) after \(String(format: "%.2f", took)) s (drain 3 s)")
            #expect(
                took < 6.5,
                "gatewayd took \(took) s to stop with the database down: \(stopped?.output.suffix(3000) ?? "")")
            try postgres.resume()
        }
    }

    /// A proxy (PgBouncer-style) or a failover drops every connection, the change feed's included:
    /// requests keep being served, their usage is recorded, and changes still reach both instances.
    @Test func droppedConnectionsCostNoRequestAndTheChangeFeedComesBack() async throws {
        let database = try TestPostgres.freshDatabase()
        defer { TestPostgres.drop(database) }
        try await Fleet.with(database: database, teams: ["paying": ""]) { fleet in
            let served = Shared(0)
            let refused = Shared<[Int?]>([])
            let running = Shared(true)
            let name = try #require(URLComponents(string: database)?.path.dropFirst())
            let dropped = try await withThrowingTaskGroup(of: Int.self) { group in
                for instance in 0..<2 {
                    group.addTask {
                        while running.current {
                            let status = await fleet.chat(instance, team: "paying")
                            if status == 200 { served.update { $0 += 1 } } else { refused.update { $0.append(status) } }
                            try await Task.sleep(for: .milliseconds(30))
                        }
                        return 0
                    }
                }
                var dropped = 0
                for _ in 0..<3 {
                    try await Task.sleep(for: .seconds(1))
                    let output = try TestPostgres.run(
                        "/usr/bin/env",
                        [
                            "psql", database, "-Atc",
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '\(name)' AND pid <> pg_backend_pid()",
                        ])
                    dropped += Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                }
                try await Task.sleep(for: .seconds(1))
                running.update { $0 = false }
                try await group.waitForAll()
                return dropped
            }
            #expect(dropped >= 6, "connections dropped: \(dropped)")
            #expect(refused.current.isEmpty, "refused while connections dropped: \(refused.current)")
            // A change through instance 1 reaches instance 2 over the reconnected feed (or the poll).
            let created = try await fleet.admin(0).apply(
                Changeset(operations: [
                    ChangeOperation(
                        op: .create, target: .apiKey(team: "paying", name: "after"),
                        payload: .apiKey(APIKeyRecord(team: "paying", name: "after")))
                ]))
            let secret = try #require(created.results.first?.secret)
            let start = ContinuousClock.now
            while await fleet.get(1, "/v1/models", secret: secret) != 200, seconds(since: start) < 5 {
                try await Task.sleep(for: .milliseconds(20))
            }
            let reached = seconds(since: start)
            var recorded = try fleet.usageCount()
            while recorded < served.current, seconds(since: start) < 30 {
                try await Task.sleep(for: .milliseconds(100))
                recorded = try fleet.usageCount()
            }
            print(
                "dropped connections: \(dropped) server sessions ended in 3 rounds under traffic; \(served.current) "
                    + "served, \(refused.current.count) refused, \(recorded) usage records; a change reached the other "
                    + "instance \(String(format: "%.2f", reached)) s later")
            #expect(reached < 2, "a change reached the other instance after \(reached) s")
            let notes = (0..<2).flatMap { (fleet.process($0)?.output ?? "").split(separator: "\n") }
                .filter { !$0.contains(#""msg":"served""#) && !$0.contains("Connection creation failed") }.suffix(25)
            #expect(
                recorded == served.current,
                "\(recorded) usage records for \(served.current) served requests: \(notes.joined(separator: "\n"))")
        }
    }
}
