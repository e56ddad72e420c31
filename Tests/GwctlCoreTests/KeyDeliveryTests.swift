import Foundation
import GatewayModel
import GwctlCore
import Testing

/// Minted secrets leave an apply through `--keys-command` (stdin only) or a `--keys-out` file.
@Suite("Key delivery")
struct KeyDeliveryTests {
    /// A made-up secret of the minted shape (never a real key): `gw_` and 40 copies of `letter`.
    static func fakeSecret(_ letter: Character) -> String { "gw_" + String(repeating: letter, count: 40) }

    static let minted = MintedKeys(
        target: "embedded:/tmp/state.db",
        result: ChangesetResult(
            revision: 7,
            results: [
                OperationResult(
                    op: .create, target: .apiKey(team: "payments", name: "checkout-backend"), revision: 7,
                    secret: Self.fakeSecret("A"), prefix: "gw_AAAAAAAA"),
                OperationResult(
                    op: .rotate, target: .apiKey(team: "legal", name: "bad"), revision: 7,
                    secret: Self.fakeSecret("B"), prefix: "gw_BBBBBBBB"),
                OperationResult(op: .update, target: .team("payments"), revision: 7),
            ]))

    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theCommandGetsEachSecretOnStandardInputAndNeverInItsEnvironmentOrArguments() async throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Each run stores stdin, its environment and its arguments, as a secret store's CLI would see them.
        let command =
            #"cat > "$OUT/$GWCTL_KEY_TEAM.$GWCTL_KEY_NAME.secret"; env > "$OUT/$GWCTL_KEY_NAME.env"; "#
            + #"echo "$0 $*" > "$OUT/$GWCTL_KEY_NAME.args""#
        let failures = await KeyCommand(command).deliver(
            Self.minted, environment: ["OUT": dir.path, "PATH": "/usr/bin:/bin"])
        #expect(failures.isEmpty)
        for key in Self.minted.keys {
            let stored = try String(
                contentsOf: dir.appendingPathComponent("\(key.team).\(key.name).secret"), encoding: .utf8)
            #expect(stored == key.secret, "the exact secret, without a newline")
            let env = try String(contentsOf: dir.appendingPathComponent("\(key.name).env"), encoding: .utf8)
            let args = try String(contentsOf: dir.appendingPathComponent("\(key.name).args"), encoding: .utf8)
            for secret in Self.minted.keys.map(\.secret) {
                #expect(!env.contains(secret) && !args.contains(secret))
            }
            #expect(env.contains("GWCTL_KEY_TEAM=\(key.team)\n"))
            #expect(env.contains("GWCTL_KEY_PREFIX=\(key.prefix)\n"))
            #expect(env.contains("GWCTL_KEY_ACTION=\(key.action.rawValue)\n"))
            #expect(env.contains("GWCTL_REVISION=7\n"))
        }
    }

    @Test func aFailedDeliveryNamesTheKeyAndTheRecoveryButNoSecret() async throws {
        let failures = await KeyCommand(#"cat > /dev/null; test "$GWCTL_KEY_NAME" != bad || exit 3"#)
            .deliver(Self.minted, environment: ["PATH": "/usr/bin:/bin"])
        #expect(failures.map(\.qualifiedName) == ["legal/bad"])
        #expect(failures.first?.reason == "exited with status 3")
        let report = KeyCommand.report(failures, of: 2, keysOut: nil)
        #expect(report.contains("did not deliver 1 of 2"))
        #expect(report.contains("legal/bad (gw_BBBBBBBB…, rotated): the command exited with status 3"))
        #expect(report.contains("bump `rotation`"))
        #expect(report.contains("previous secret keeps working"))
        for secret in Self.minted.keys.map(\.secret) { #expect(!report.contains(secret)) }
        #expect(KeyCommand.report(failures, of: 2, keysOut: "keys.json").contains("Their secrets are in keys.json"))
    }

    @Test func aCommandThatHangsIsStoppedAtItsTimeout() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hang-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let started = ContinuousClock.now
        // Each run leaves a child in the command's process group and says which; both must be gone.
        let failures = await KeyCommand(
            #"sleep 30 & echo $! > "\#(directory.path)/$GWCTL_KEY_NAME.pid"; wait"#, timeoutSeconds: 1
        )
        .deliver(Self.minted, environment: ["PATH": "/usr/bin:/bin"])
        #expect(failures.count == 2)
        #expect(failures.allSatisfy { $0.reason == "timed out after 1s and was stopped" })
        for key in Self.minted.keys {
            let text = try String(
                contentsOf: directory.appendingPathComponent("\(key.name).pid"), encoding: .utf8)
            let pid = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
            // Gone, or a zombie waiting for whoever reaps orphans: either way it no longer runs. The
            // signal is delivered asynchronously, so a loaded machine is given a moment to act on it.
            func stopped() -> (Bool, String) {
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
                let state = stat?.split(separator: ")").last?.split(separator: " ").first
                return (stat == nil || state == "Z", stat ?? "")
            }
            var (gone, stat) = stopped()
            for _ in 0..<50 where !gone {
                try await Task.sleep(for: .milliseconds(100))
                (gone, stat) = stopped()
            }
            #expect(gone, "the command's child \(pid) outlived the timeout by 5 s: \(stat)")
        }
        // Waited out, the two commands would take a minute: they were stopped, not awaited.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test func dotenvNamesKeepTeamAndNameApartAndCollisionsAreFoundBeforeApplying() throws {
        #expect(MintedKeys.variable(team: "payments", name: "checkout-backend") == "GW_KEY_PAYMENTS__CHECKOUT_BACKEND")
        #expect(
            Self.minted.dotenv.split(separator: "\n").dropFirst().map(String.init)
                == [
                    "GW_KEY_PAYMENTS__CHECKOUT_BACKEND=" + Self.fakeSecret("A"),
                    "GW_KEY_LEGAL__BAD=" + Self.fakeSecret("B"),
                ])
        #expect(MintedKeys.Format.implied(by: "out/prod.env") == .dotenv)
        #expect(MintedKeys.Format.implied(by: "out/.env") == .dotenv)
        #expect(MintedKeys.Format.implied(by: "keys.json") == .json)
        #expect(
            MintedKeys.dotenvCollisions([.apiKey(team: "a--b", name: "c"), .apiKey(team: "a", name: "b--c")]).count
                == 1)
        #expect(
            MintedKeys.dotenvCollisions([.apiKey(team: "a-b", name: "c"), .apiKey(team: "a", name: "b-c")]).isEmpty)
    }
}
