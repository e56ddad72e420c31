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
            since it was read, nothing is applied. Minted API key secrets go to --keys-out (mode 0600), or \
            are printed once on an interactive terminal; a non-interactive apply that would mint keys without \
            --keys-out refuses before changing anything.
            """
    )

    @OptionGroup var options: PlanOptions
    @Flag(help: "Apply without asking.") var autoApprove = false
    @Option(help: "Write minted API key secrets to this file (JSON, mode 0600).") var keysOut: String?

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
        if plan.keysToMint > 0, keysOut == nil, !interactive {
            Terminal.write(
                "error: this apply mints \(plan.keysToMint) API \(plan.keysToMint == 1 ? "key" : "keys"); pass --keys-out FILE (secrets are printed only on an interactive terminal). Nothing was applied.\n",
                to: .standardError)
            throw ExitCode(1)
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
            try minted.write(to: keysOut)
            if !minted.keys.isEmpty { print("Wrote \(minted.keys.count) new key secrets to \(keysOut) (mode 0600).") }
        } else if !minted.keys.isEmpty {
            print("\nNew API key secrets, shown this once (store them now):")
            for key in minted.keys { print("  \(key.team)/\(key.name): \(key.secret)") }
        }
        let summary = plan.summary
        print(
            "Apply complete: \(summary.create) created, \(summary.update) updated, \(summary.delete) deleted, \(summary.rotate) rotated. State revision \(result.revision)."
        )
    }
}
