import ArgumentParser
import Foundation
import GatewayModel
import GatewayPlan
import GwctlCore
import ManifestKit

/// `gwctl apply PATH... | PLANFILE`: plan (or load a saved plan), confirm, and apply as one changeset.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply the manifests (or a saved plan) to the gateway, all together or not at all.",
        discussion: """
            Shows the plan, asks for confirmation on a terminal (--auto-approve for CI), and sends every \
            change as one changeset with per-resource preconditions: if anything the plan touches changed \
            since it was read, nothing is applied. Minted API key secrets go to --keys-out (mode 0600, JSON \
            or dotenv) and/or to --keys-command, or are printed once on an interactive terminal; a \
            non-interactive apply that would mint keys with neither refuses before changing anything.

            --keys-command CMD runs CMD with /bin/sh once per minted or rotated key, with GWCTL_KEY_TEAM, \
            GWCTL_KEY_NAME, GWCTL_KEY_PREFIX, GWCTL_KEY_ACTION (create or rotate), GWCTL_KEY_VARIABLE, \
            GWCTL_TARGET and GWCTL_REVISION in its environment and the secret on standard input only, e.g. \
            'vault kv put secret/gw/$GWCTL_KEY_TEAM/$GWCTL_KEY_NAME value=-'. A key is delivered when CMD \
            exits 0; apply names every key that was not.
            """
    )

    @OptionGroup var options: PlanOptions
    @Flag(help: "Apply without asking.") var autoApprove = false
    @Option(help: "Write minted API key secrets to this file (mode 0600).") var keysOut: String?
    @Option(help: "The --keys-out format: json, or dotenv (the default for a file named *.env).")
    var keysFormat: MintedKeys.Format?
    @Option(help: "Run this shell command once per minted key, the secret on its standard input.")
    var keysCommand: String?
    @Option(help: "Seconds each --keys-command run may take.") var keysCommandTimeout = 60

    func validate() throws {
        if keysFormat != nil, keysOut == nil { throw ValidationError("--keys-format needs --keys-out FILE") }
        if keysCommandTimeout < 1 { throw ValidationError("--keys-command-timeout must be at least 1 second") }
    }

    func run() async throws {
        let plan: Plan
        let secrets: [ResourceRef: String]
        let target: GatewayTarget
        if options.paths.count == 1, let data = FileManager.default.contents(atPath: options.paths[0]),
            let saved = SavedPlan.decode(data)
        {
            target = try options.targetOptions.target()
            guard saved.plan.target == target.description else {
                Terminal.write(
                    "error: the saved plan was made for \(saved.plan.target), not \(target.description). Nothing was applied.\n",
                    to: .standardError)
                throw ExitCode(1)
            }
            do {
                secrets = try saved.secrets(resolve: SecretResolver().value(of:))
            } catch {
                Terminal.write("error: \(error)\nNothing was applied.\n", to: .standardError)
                throw ExitCode(1)
            }
            plan = saved.plan
            print("Applying the plan saved in \(options.paths[0]) at \(saved.createdAt).\n")
        } else {
            let (fresh, desired, _, freshTarget, _) = try await options.plan()
            (plan, secrets, target) = (fresh, desired.secrets, freshTarget)
        }
        try await apply(plan, secrets: secrets, target: target)
    }

    private func apply(_ plan: Plan, secrets: [ResourceRef: String], target: GatewayTarget) async throws {
        let interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        print(PlanRenderer.text(plan, colored: Terminal.supportsColor(fileDescriptor: STDOUT_FILENO)), terminator: "")
        guard plan.errors.isEmpty else {
            Terminal.write("error: the plan has errors; nothing was applied\n", to: .standardError)
            throw ExitCode(1)
        }
        guard plan.hasChanges else { return }
        if plan.keysToMint > 0, keysOut == nil, keysCommand == nil, !interactive {
            Terminal.write(
                "error: this apply mints \(plan.keysToMint) API \(plan.keysToMint == 1 ? "key" : "keys"); pass --keys-out FILE or --keys-command CMD (secrets are printed only on an interactive terminal). Nothing was applied.\n",
                to: .standardError)
            throw ExitCode(1)
        }
        let format = keysFormat ?? keysOut.map(MintedKeys.Format.implied(by:)) ?? .json
        if keysOut != nil, format == .dotenv {
            let minting = plan.actions.filter {
                $0.target.kind == .apiKey && ($0.action == .create || $0.action == .rotate)
            }
            let collisions = MintedKeys.dotenvCollisions(minting.map(\.target))
            guard collisions.isEmpty else {
                Terminal.write(
                    "error: these keys would share a dotenv variable:\n"
                        + collisions.map { "  - \($0)\n" }.joined()
                        + "Use --keys-format json. Nothing was applied.\n", to: .standardError)
                throw ExitCode(1)
            }
        }
        if !autoApprove {
            guard interactive else {
                Terminal.write(
                    "error: not a terminal; pass --auto-approve to apply without confirmation. Nothing was applied.\n",
                    to: .standardError)
                throw ExitCode(1)
            }
            print("\nApply these changes to \(target.description)? Only 'yes' is accepted: ", terminator: "")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                print("Apply cancelled; nothing was changed.")
                throw ExitCode(1)
            }
        }
        if let keysOut { try MintedKeys.prepare(keysOut) }
        let changeset = try plan.changeset(secrets: secrets)
        print(
            "Applying \(changeset.operations.count) \(changeset.operations.count == 1 ? "change" : "changes") as one changeset…"
        )
        let result: ChangesetResult
        do {
            result = try await target.writer().apply(changeset)
        } catch GatewayAdminError.conflict(let conflicts) {
            Terminal.write(
                "error: the plan is stale: \(conflicts.count) \(conflicts.count == 1 ? "resource" : "resources") it touches changed since it was made:\n"
                    + conflicts.map { "  - \($0)\n" }.joined() + "Nothing was applied. Plan again.\n",
                to: .standardError)
            throw ExitCode(1)
        } catch let error as GatewayAdminError where error.isTransient {
            // Retried with the same idempotency key and still no answer: the changeset applied
            // entirely or not at all, and only the gateway knows which.
            Terminal.write(
                "error: \(error)\nNo answer after retrying: the changeset applied entirely or not at all. "
                    + "Unless a new plan shows them done, these \(changeset.operations.count) changes did not apply:\n"
                    + changeset.operations.prefix(50).map { "  - \($0.op.rawValue) \($0.target)\n" }.joined()
                    + (changeset.operations.count > 50 ? "  … and \(changeset.operations.count - 50) more\n" : "")
                    + "Run the same apply again: it plans only what is missing.\n",
                to: .standardError)
            throw ExitCode(1)
        } catch let error as GatewayAdminError {
            Terminal.write("error: \(error)\nNothing was applied.\n", to: .standardError)
            throw ExitCode(1)
        }
        let minted = MintedKeys(target: target.description, result: result)
        if let keysOut {
            try minted.write(to: keysOut, format: format)
            if !minted.keys.isEmpty { print("Wrote \(minted.keys.count) new key secrets to \(keysOut) (mode 0600).") }
        }
        var undelivered: [KeyCommand.Failure] = []
        if let keysCommand, !minted.keys.isEmpty {
            undelivered = await KeyCommand(keysCommand, timeoutSeconds: keysCommandTimeout).deliver(minted)
            let delivered = minted.keys.count - undelivered.count
            if delivered > 0 {
                print("Delivered \(delivered) new key \(delivered == 1 ? "secret" : "secrets") with --keys-command.")
            }
        } else if keysOut == nil, !minted.keys.isEmpty {
            print("\nNew API key secrets, shown this once (store them now):")
            for key in minted.keys { print("  \(key.team)/\(key.name): \(key.secret)") }
        }
        let summary = plan.summary
        print(
            "Apply complete: \(summary.create) created, \(summary.update) updated, \(summary.delete) deleted, \(summary.rotate) rotated. State revision \(result.revision)."
        )
        guard undelivered.isEmpty else {
            Terminal.write(
                KeyCommand.report(undelivered, of: minted.keys.count, keysOut: keysOut), to: .standardError)
            throw ExitCode(1)
        }
    }
}

extension MintedKeys.Format: ExpressibleByArgument {}
