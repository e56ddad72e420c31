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
            (plan, secrets) = try ApplySession.saved(saved, for: target)
            print("Applying the plan saved in \(options.paths[0]) at \(saved.createdAt).\n")
        } else {
            let (fresh, desired, _, freshTarget, _) = try await options.plan()
            (plan, secrets, target) = (fresh, desired.secrets, freshTarget)
        }
        print(PlanRenderer.text(plan, colored: Terminal.supportsColor(fileDescriptor: STDOUT_FILENO)), terminator: "")
        let session = ApplySession(
            plan: plan, secrets: secrets, target: target,
            options: ApplySession.Options(
                keysOut: keysOut, keysFormat: keysFormat, keysCommand: keysCommand,
                keysCommandTimeout: keysCommandTimeout, autoApprove: autoApprove,
                interactive: isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1))
        let outcome = try await session.run(say: { print($0) }) {
            print("\nApply these changes to \(target.description)? Only 'yes' is accepted: ", terminator: "")
            return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
        }
        switch outcome {
        case .noChanges:
            return
        case .cancelled:
            print("Apply cancelled; nothing was changed.")
            throw ExitCode(1)
        case .applied(_, let minted, let undelivered):
            guard undelivered.isEmpty else {
                Terminal.write(
                    KeyCommand.report(undelivered, of: minted.keys.count, keysOut: keysOut), to: .standardError)
                throw ExitCode(1)
            }
        }
    }
}

extension MintedKeys.Format: ExpressibleByArgument {}
