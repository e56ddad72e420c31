import Foundation
import GatewayModel

/// `gwctl apply --keys-command CMD`: runs CMD once per minted or rotated key, so a pipeline can
/// put each secret where its services read it (Vault, a cloud secret manager, a Kubernetes Secret)
/// without the secret ever touching a file, an argument list or an environment.
///
/// CMD runs under `/bin/sh -c` with the key's identity in the environment (`GWCTL_KEY_TEAM`,
/// `GWCTL_KEY_NAME`, `GWCTL_KEY_PREFIX`, `GWCTL_KEY_ACTION`, `GWCTL_KEY_VARIABLE`, `GWCTL_TARGET`,
/// `GWCTL_REVISION`) and the secret on standard input, without a newline. A key is delivered when
/// CMD exits 0 within the timeout.
public struct KeyCommand: Sendable {
    /// One key CMD did not take.
    public struct Failure: Sendable, Hashable {
        public var team: String
        public var name: String
        public var prefix: String
        public var action: ChangeOperation.Kind
        /// Why, without the secret: `exited with status 3`, `timed out after 60s`.
        public var reason: String

        public var qualifiedName: String { team + "/" + name }
    }

    public var command: String
    public var timeoutSeconds: Int

    public init(_ command: String, timeoutSeconds: Int = 60) {
        self.command = command
        self.timeoutSeconds = timeoutSeconds
    }

    /// Runs the command for every key, one after the other, going on past failures so that as many
    /// secrets as possible arrive; returns the keys that did not.
    public func deliver(
        _ minted: MintedKeys, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> [Failure] {
        var failures: [Failure] = []
        for key in minted.keys {
            var variables = environment
            variables["GWCTL_KEY_TEAM"] = key.team
            variables["GWCTL_KEY_NAME"] = key.name
            variables["GWCTL_KEY_PREFIX"] = key.prefix
            variables["GWCTL_KEY_ACTION"] = key.action.rawValue
            variables["GWCTL_KEY_VARIABLE"] = MintedKeys.variable(team: key.team, name: key.name)
            variables["GWCTL_TARGET"] = minted.target
            variables["GWCTL_REVISION"] = String(minted.revision)
            if let reason = await run(secret: key.secret, environment: variables) {
                failures.append(
                    Failure(team: key.team, name: key.name, prefix: key.prefix, action: key.action, reason: reason))
            }
        }
        return failures
    }

    /// Nil when the command took the secret; otherwise why not.
    ///
    /// Spawned by hand rather than with Foundation's `Process`: the command gets a process group
    /// of its own, so a timeout stops everything it started (a shell's children too), and the
    /// secret goes into a pipe gwctl owns, never through an API that might log its arguments.
    private func run(secret: String, environment: [String: String]) async -> String? {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return "could not be started: no pipe (errno \(errno))" }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        // The secret is in the pipe before the command starts (it is far below the pipe's buffer),
        // so a command that exits without reading it cannot make gwctl write to a closed pipe.
        let bytes = Array(secret.utf8)
        let written = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
        close(writeEnd)
        guard written == bytes.count else {
            close(readEnd)
            return "could not be started: the secret did not fit the pipe"
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        let arguments = ["/bin/sh", "-c", command]
        let variables = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let spawned = withCStrings(arguments) { argv in
            withCStrings(variables) { envp in posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp) }
        }
        close(readEnd)
        guard spawned == 0 else { return "could not be started: \(String(cString: strerror(spawned)))" }

        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited == -1, errno != EINTR { return "could not be waited for (errno \(errno))" }
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return "timed out after \(timeoutSeconds)s and was stopped"
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        let signal = status & 0x7f
        guard signal == 0 else { return "was killed by signal \(signal)" }
        let code = (status >> 8) & 0xff
        return code == 0 ? nil : "exited with status \(code)"
    }

    /// What apply prints when some keys were not delivered: which, why, and how to recover,
    /// never a secret. `keysOut` is the file that holds them anyway, if the apply wrote one.
    public static func report(_ failures: [Failure], of total: Int, keysOut: String?) -> String {
        var out =
            "error: --keys-command did not deliver \(failures.count) of \(total) minted API key \(total == 1 ? "secret" : "secrets"); "
            + "the changes are applied, and gwctl does not print the secrets:\n"
        for failure in failures {
            out +=
                "  - \(failure.qualifiedName) (\(failure.prefix)…, \(failure.action == .rotate ? "rotated" : "created")): the command \(failure.reason)\n"
        }
        if let keysOut {
            out += "Their secrets are in \(keysOut) (mode 0600): deliver them from there, then delete the file.\n"
        } else {
            let rotated = failures.contains { $0.action == .rotate }
            out +=
                "To recover, mint them again: bump `rotation` of each of these keys in the manifests and apply again "
                + "(with --keys-command fixed, or --keys-out FILE)."
            if rotated {
                out +=
                    " A rotated key's previous secret keeps working for its rotation overlap, so its callers are not cut off meanwhile."
            }
            out += "\n"
        }
        return out
    }
}

/// Calls `body` with `strings` as a NULL-terminated C array, valid for the call only.
private func withCStrings<Result>(
    _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result
) -> Result {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
