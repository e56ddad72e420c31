import AdminAPI
import Foundation
import GatewayModel
import TestSupport
import Testing

/// gatewayd killed with SIGKILL while it applies large changesets: after each restart the state is
/// exactly the one before the changeset or exactly the one after it, and the audit log agrees.
@Suite("Crash atomicity")
struct CrashAtomicityTests {
    static let keysPerChangeset = 400

    /// One gatewayd at a time on a state that survives it.
    final class Restartable: Sendable {
        let directory: URL
        let state: String
        let process: RunningProcess
        let admin: AdminClient

        init(directory: URL, state: String, initialise: Bool) throws {
            self.directory = directory
            self.state = state
            let portFile = directory.appendingPathComponent("port")
            try? FileManager.default.removeItem(at: portFile)
            process = try BuiltProduct("gatewayd").start(
                ["serve", "--state", state, "--port", "0", "--port-file", portFile.path]
                    + (initialise ? ["--init"] : []),
                directory: directory)
            let port = try process.waitForFile(portFile.path)
            let token = try String(
                contentsOf: directory.appendingPathComponent(".gateway/admin-token"), encoding: .utf8)
            admin = AdminClient(serverURL: URL(string: "http://127.0.0.1:\(port)")!, token: token, retry: .never)
        }

        func kill() {
            Foundation.kill(process.process.processIdentifier, SIGKILL)
            process.process.waitUntilExit()
        }
    }

    /// Creates team `crash` with its keys, or deletes them all: one large changeset either way.
    static func changeset(creating: Bool) -> Changeset {
        let keys = (0..<keysPerChangeset).map { "key-\($0)" }
        if creating {
            return Changeset(
                operations: [
                    ChangeOperation(
                        op: .create, target: .team("crash"),
                        payload: .team(TeamRecord(metadata: ResourceMetadata(name: "crash")))
                    )
                ]
                    + keys.map {
                        ChangeOperation(
                            op: .create, target: .apiKey(team: "crash", name: $0),
                            payload: .apiKey(APIKeyRecord(team: "crash", name: $0)))
                    })
        }
        return Changeset(
            operations: keys.map { ChangeOperation(op: .delete, target: .apiKey(team: "crash", name: $0)) }
                + [ChangeOperation(op: .delete, target: .team("crash"))])
    }

    @Test func aKilledGatewayKeepsEachChangesetWholeOrNotAtAll() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.appendingPathComponent(".gateway/state.db").path
        var gateway = try Restartable(directory: directory, state: state, initialise: true)
        defer { gateway.kill() }

        // Calibrate: how long one changeset takes here, so kills land before, during and after it.
        // The fastest of four, capped: other tests share the machine and would stretch it.
        let clock = ContinuousClock()
        var durations: [Duration] = []
        for index in 0..<4 {
            let started = clock.now
            _ = try await gateway.admin.apply(Self.changeset(creating: index % 2 == 0))
            durations.append(clock.now - started)
        }
        let duration = min(durations.min() ?? .milliseconds(100), .milliseconds(400))
        var random = SeededRandom(seed: 0xC4A5)
        var outcomes: [String: Int] = [:]
        var seen = try await gateway.admin.auditLog(after: 0, limit: 10_000).last?.id ?? 0
        for trial in 0..<50 {
            let before = try await gateway.admin.state()
            let creating = !before.teams.contains { $0.metadata.name == "crash" }
            let sending = Task { [admin = gateway.admin] in
                (try? await admin.apply(Self.changeset(creating: creating))) != nil
            }
            let delay = Double(random.next(below: 1_000)) / 1_000 * 1.2
            try await Task.sleep(for: duration * delay)
            gateway.kill()
            let answered = await sending.value
            gateway = try Restartable(directory: directory, state: state, initialise: false)

            let after = try await gateway.admin.state()
            let keys = after.apiKeys.filter { $0.team == "crash" }.count
            let team = after.teams.contains { $0.metadata.name == "crash" }
            // The audit entries written since the last trial.
            let audit = try await gateway.admin.auditLog(after: seen, limit: 10_000)
            seen = audit.last?.id ?? seen
            let applied = after.revision == before.revision + 1
            if applied {
                // Exactly after: the whole changeset, and one audit entry per operation at its revision.
                #expect(team == creating && keys == (creating ? Self.keysPerChangeset : 0), "trial \(trial)")
                #expect(audit.count == Self.keysPerChangeset + 1, "trial \(trial)")
                #expect(audit.allSatisfy { $0.revision == after.revision }, "trial \(trial)")
            } else {
                // Exactly before: nothing of it, and no audit entry.
                #expect(after.revision == before.revision, "trial \(trial): \(before.revision) → \(after.revision)")
                #expect(after == before, "trial \(trial): the state moved without a new revision")
                #expect(audit.isEmpty, "trial \(trial)")
            }
            if answered { #expect(applied, "trial \(trial): answered but not kept") }
            outcomes["\(applied ? "after" : "before")\(answered ? " (answered)" : " (killed first)")", default: 0] += 1
        }
        #expect(outcomes.values.reduce(0, +) == 50)
        print(
            "crash atomicity: 50 SIGKILLs, outcomes \(outcomes), changeset of \(Self.keysPerChangeset + 1) operations takes \(duration)"
        )
    }
}
