import Foundation
import GatewayModel
import GatewayPlan
import ManifestKit

/// What `gwctl apply` does once the plan is shown: the checks that refuse before anything changes
/// (plan errors, where minted keys would go, dotenv names, confirmation), the changeset, and the
/// delivery of minted keys. The command only prints what the session says and maps its outcome to
/// an exit code, so every rule here is reachable from a test without spawning gwctl.
public struct ApplySession {
    /// Where minted keys go and how the apply is confirmed.
    public struct Options: Sendable {
        /// A file for minted secrets (mode 0600).
        public var keysOut: String?
        /// The file's format; nil picks one from the file name.
        public var keysFormat: MintedKeys.Format?
        /// A shell command run once per minted key, the secret on its standard input.
        public var keysCommand: String?
        /// Seconds each run of `keysCommand` may take.
        public var keysCommandTimeout: Int
        /// Apply without asking.
        public var autoApprove: Bool
        /// Standard input and output are a terminal: secrets may be shown, a question asked.
        public var interactive: Bool

        /// Options for an apply.
        public init(
            keysOut: String? = nil, keysFormat: MintedKeys.Format? = nil, keysCommand: String? = nil,
            keysCommandTimeout: Int = 60, autoApprove: Bool = false, interactive: Bool = false
        ) {
            self.keysOut = keysOut
            self.keysFormat = keysFormat
            self.keysCommand = keysCommand
            self.keysCommandTimeout = keysCommandTimeout
            self.autoApprove = autoApprove
            self.interactive = interactive
        }
    }

    /// Why an apply stopped; the message says whether anything was applied.
    public typealias Refusal = CommandFailure

    /// How an apply ended, when it was not refused.
    public enum Outcome {
        /// The plan had nothing to change.
        case noChanges
        /// The user did not confirm; nothing was changed.
        case cancelled
        /// The changeset was applied; `undelivered` names minted keys `--keys-command` could not hand on.
        case applied(ChangesetResult, minted: MintedKeys, undelivered: [KeyCommand.Failure])
    }

    let plan: Plan
    let secrets: [ResourceRef: String]
    let target: GatewayTarget
    let options: Options

    /// A session applying `plan` to `target`, with the plan's secrets resolved.
    public init(plan: Plan, secrets: [ResourceRef: String], target: GatewayTarget, options: Options) {
        self.plan = plan
        self.secrets = secrets
        self.target = target
        self.options = options
    }

    /// The plan and secrets of a saved plan, if it was made for `target`.
    public static func saved(_ saved: SavedPlan, for target: GatewayTarget) throws -> (Plan, [ResourceRef: String]) {
        guard saved.plan.target == target.description else {
            throw Refusal(
                "the saved plan was made for \(saved.plan.target), not \(target.description). Nothing was applied.")
        }
        do {
            return (saved.plan, try saved.secrets(resolve: SecretResolver().value(of:)))
        } catch {
            throw Refusal("\(error)\nNothing was applied.")
        }
    }

    /// The minted-key format the apply writes.
    var keysFormat: MintedKeys.Format {
        options.keysFormat ?? options.keysOut.map(MintedKeys.Format.implied(by:)) ?? .json
    }

    /// Everything that refuses before the question is asked and before anything changes.
    public func check() throws {
        guard plan.errors.isEmpty else { throw Refusal("the plan has errors; nothing was applied") }
        guard plan.hasChanges else { return }
        if plan.keysToMint > 0, options.keysOut == nil, options.keysCommand == nil, !options.interactive {
            throw Refusal(
                "this apply mints \(plan.keysToMint) API \(plan.keysToMint == 1 ? "key" : "keys"); pass --keys-out FILE or --keys-command CMD (secrets are printed only on an interactive terminal). Nothing was applied."
            )
        }
        if options.keysOut != nil, keysFormat == .dotenv {
            let collisions = MintedKeys.dotenvCollisions(plan.keysMinted)
            guard collisions.isEmpty else {
                throw Refusal(
                    "these keys would share a dotenv variable:\n" + collisions.map { "  - \($0)\n" }.joined()
                        + "Use --keys-format json. Nothing was applied.")
            }
        }
        if !options.autoApprove, !options.interactive {
            throw Refusal("not a terminal; pass --auto-approve to apply without confirmation. Nothing was applied.")
        }
    }

    /// Checks, asks `confirm` unless auto-approved, applies, and delivers minted keys; `say`
    /// receives each progress line for standard output.
    public func run(say: (String) -> Void, confirm: () -> Bool) async throws -> Outcome {
        try check()
        guard plan.hasChanges else { return .noChanges }
        if !options.autoApprove, !confirm() { return .cancelled }
        if let keysOut = options.keysOut { try MintedKeys.prepare(keysOut) }
        let changeset = try plan.changeset(secrets: secrets)
        say(
            "Applying \(changeset.operations.count) \(changeset.operations.count == 1 ? "change" : "changes") as one changeset…"
        )
        let result = try await apply(changeset)
        let minted = MintedKeys(target: target.description, result: result)
        if let keysOut = options.keysOut {
            try minted.write(to: keysOut, format: keysFormat)
            if !minted.keys.isEmpty { say("Wrote \(minted.keys.count) new key secrets to \(keysOut) (mode 0600).") }
        }
        var undelivered: [KeyCommand.Failure] = []
        if let keysCommand = options.keysCommand, !minted.keys.isEmpty {
            undelivered = await KeyCommand(keysCommand, timeoutSeconds: options.keysCommandTimeout).deliver(minted)
            let delivered = minted.keys.count - undelivered.count
            if delivered > 0 {
                say("Delivered \(delivered) new key \(delivered == 1 ? "secret" : "secrets") with --keys-command.")
            }
        } else if options.keysOut == nil, !minted.keys.isEmpty {
            say("\nNew API key secrets, shown this once (store them now):")
            for key in minted.keys { say("  \(key.team)/\(key.name): \(key.secret)") }
        }
        let summary = plan.summary
        say(
            "Apply complete: \(summary.create) created, \(summary.update) updated, \(summary.delete) deleted, \(summary.rotate) rotated. State revision \(result.revision)."
        )
        return .applied(result, minted: minted, undelivered: undelivered)
    }

    /// The changeset applied, or a refusal saying what the user can know about its fate.
    private func apply(_ changeset: Changeset) async throws -> ChangesetResult {
        do {
            return try await target.writer().apply(changeset)
        } catch GatewayAdminError.conflict(let conflicts) {
            throw Refusal(
                "the plan is stale: \(conflicts.count) \(conflicts.count == 1 ? "resource" : "resources") it touches changed since it was made:\n"
                    + conflicts.map { "  - \($0)\n" }.joined() + "Nothing was applied. Plan again.")
        } catch let error as GatewayAdminError where error.isTransient {
            // Retried with the same idempotency key and still no answer: the changeset applied
            // entirely or not at all, and only the gateway knows which.
            throw Refusal(
                "\(error)\nNo answer after retrying: the changeset applied entirely or not at all. "
                    + "Unless a new plan shows them done, these \(changeset.operations.count) changes did not apply:\n"
                    + changeset.operations.prefix(50).map { "  - \($0.op.rawValue) \($0.target)\n" }.joined()
                    + (changeset.operations.count > 50 ? "  … and \(changeset.operations.count - 50) more\n" : "")
                    + "Run the same apply again: it plans only what is missing.")
        } catch let error as GatewayAdminError {
            throw Refusal("\(error)\nNothing was applied.")
        }
    }
}
