import Foundation
import TestSupport
import Testing

/// Rate limits hold across gatewayd instances sharing PostgreSQL: two instances driven at three
/// times a team's limit serve what one would, plus a bounded overshoot, and restarting one of
/// them does not reset the count (RELIABILITY.md, "Rate limits across instances").
@Suite("Rate limits across a fleet")
struct FleetRateLimitTests {
    @Test func twoInstancesAtThreeTimesTheLimitServeTheLimitPlusTheBoundAndARestartKeepsTheCount() async throws {
        let database = try TestPostgres.freshDatabase()
        defer { TestPostgres.drop(database) }
        let sync = 0.25
        try await Fleet.with(
            database: database, arguments: ["--rate-limit-sync", "\(sync)", "--log-level", "warning"],
            teams: [
                "rpm": "rateLimit: {requestsPerMinute: 600}",
                "tpm": "rateLimit: {tokensPerMinute: 6000}",
            ]
        ) { fleet in
            let seconds = 40.0
            let rate = 15.0  // per instance and team: 30 a second per team, 3 × 600 a minute
            let served = Shared<[String: Int]>([:])
            let limited = Shared<[String: Int]>([:])
            let other = Shared<[String: [Int]]>([:])
            let restarting = Shared(false)
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for team in ["rpm", "tpm"] {
                    for instance in 0..<2 {
                        group.addTask {
                            var sent = 0
                            while true {
                                let due = Double(sent) / rate
                                guard due < seconds else { break }
                                let wait = due - GwctlTests.seconds(since: start)
                                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
                                sent += 1
                                // While instance 1 restarts, its share goes to instance 0, as a balancer does.
                                let target = instance == 1 && restarting.current ? 0 : instance
                                let status = await fleet.chat(target, team: team) ?? 0
                                if status == 200 {
                                    served.update { $0[team, default: 0] += 1 }
                                } else if status == 429 {
                                    limited.update { $0[team, default: 0] += 1 }
                                } else {
                                    other.update { $0[team, default: []].append(status) }
                                }
                            }
                        }
                    }
                }
                // Halfway, instance 1 restarts.
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds / 2))
                    restarting.update { $0 = true }
                    fleet.stop(1)
                    try fleet.restart(1)
                    restarting.update { $0 = false }
                }
                try await group.waitForAll()
            }
            let elapsed = GwctlTests.seconds(since: start)
            #expect(other.current.isEmpty, "answers other than 200 and 429: \(other.current)")
            try await Task.sleep(for: .seconds(1))  // the last usage written
            let tokens = try Self.tokens(fleet, team: "tpm")
            let perRequest = Double(tokens) / Double(max(1, served.current["tpm"] ?? 0))
            // The bound (docs/data-plane.md): a full bucket, its refill over the run, and what the
            // other instance admits in one exchange interval and its round trip, counted twice
            // for the restart's hand-over.
            let requestBound = 600 + 600 * elapsed / 60 + 2 * 2 * rate * sync + 2
            let tokenBound = 6000 + 6000 * elapsed / 60 + (2 * 2 * rate * sync + 2) * perRequest
            let requests = served.current["rpm"] ?? 0
            print(
                "rate limits across 2 instances, \(String(format: "%.1f", elapsed)) s at 3× the limit, one restart: "
                    + "\(requests) of \(requests + (limited.current["rpm"] ?? 0)) requests served (bound \(Int(requestBound)); on one instance's count both would "
                    + "have served \(Int(2 * rate * seconds))), \(tokens) tokens served (bound \(Int(tokenBound)), "
                    + "\(String(format: "%.1f", perRequest)) tokens a request)")
            #expect(Double(requests) <= requestBound, "served \(requests) requests, bound \(requestBound)")
            // Not a much tighter limit either: of what was sent, up to what the limit allows is served.
            // Alone this is within a few requests of the allowance; under the whole suite's load it
            // fell to 92% of it (RELIABILITY.md), hence the margin.
            let sent = requests + (limited.current["rpm"] ?? 0)
            let floor = 0.85 * min(Double(sent), 600 + 600 * (elapsed - 2) / 60)
            #expect(Double(requests) >= floor, "served \(requests) of \(sent) sent; the limit allows \(floor)")
            #expect((limited.current["rpm"] ?? 0) > 0 && (limited.current["tpm"] ?? 0) > 0, "the limits were reached")
            #expect(Double(tokens) <= tokenBound, "served \(tokens) tokens, bound \(tokenBound)")
        }
    }

    static func tokens(_ fleet: Fleet, team: String) throws -> Int {
        let output = try TestPostgres.run(
            "/usr/bin/env",
            [
                "psql", fleet.database, "-Atc",
                "SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM usage_records WHERE team = '\(team)'",
            ])
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
