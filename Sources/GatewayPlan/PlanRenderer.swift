import Foundation
import GatewayModel

/// Prints plans for people (text, for terminals and CI logs) and machines (JSON).
public enum PlanRenderer {
    /// Terraform-style text: a header naming the target, one block per action with field-level
    /// changes, unmanaged resources, errors, and the summary line. Secrets appear only as
    /// `(secret changed)`.
    public static func text(_ plan: Plan, colored: Bool = false) -> String {
        func style(_ code: String, _ text: String) -> String { colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var out = "Target: \(plan.target) (state revision \(plan.stateRevision))\n"
        if !plan.hasChanges {
            out += "\nNo changes. The gateway matches the manifests.\n"
        } else {
            out += "\n"
            for action in plan.actions {
                let (symbol, verb, color): (String, String, String)
                switch action.action {
                case .create: (symbol, verb, color) = ("+", "create", "32")
                case .update: (symbol, verb, color) = ("~", "update", "33")
                case .rotate: (symbol, verb, color) = ("±", "rotate", "36")
                case .delete: (symbol, verb, color) = ("-", "delete", "31")
                }
                out += style(color, "  \(symbol) \(verb) \(action.target)") + "\n"
                for change in action.changes {
                    switch (change.before, change.after) {
                    case (nil, let after?): out += "      \(change.path): \(after)\n"
                    case (let before?, nil): out += "      \(change.path): \(before) → (removed)\n"
                    case (let before?, let after?): out += "      \(change.path): \(before) → \(after)\n"
                    case (nil, nil): break
                    }
                }
                let source = action.secretSource.map { " from \($0)" } ?? ""
                switch action.secret {
                case .added?: out += "      secret: (secret set)\(source)\n"
                case .changed?: out += "      secret: (secret changed)\(source)\n"
                case .removed?: out += "      secret: (secret removed)\n"
                case nil: break
                }
                for note in action.notes { out += "      # \(note)\n" }
            }
        }
        if let access = plan.access, !access.isEmpty {
            out += "\n" + accessText(access, style: style)
        }
        if let replay = plan.replay {
            out += "\n" + replayText(replay, style: style)
        }
        if !plan.unmanaged.isEmpty {
            out += "\nNot managed by gwctl (left alone; `gwctl export` adopts them):\n"
            for ref in plan.unmanaged { out += "  \(ref)\n" }
        }
        let deletions = plan.actions.filter { $0.action == .delete }
        if !deletions.isEmpty {
            out +=
                "\n"
                + style(
                    "31;1", "This plan deletes \(deletions.count) \(deletions.count == 1 ? "resource" : "resources"):")
                + "\n"
            for action in deletions { out += "  \(action.target)\n" }
        }
        if !plan.errors.isEmpty {
            out += "\n"
            for error in plan.errors { out += style("31;1", "error:") + " \(error)\n" }
        }
        out += "\n\(plan.summary)\n"
        return out
    }

    /// The access review: what widens first, then what narrows, each entry with its examples and reasons.
    static func accessText(_ access: AccessReview, style: (String, String) -> String) -> String {
        var out =
            "Access (\(access.keysChanged) of \(access.keysCompared) keys decided again change what they reach):\n"
        let entries = access.entries
        for (title, widening, color) in [("Widens", true, "33;1"), ("Narrows or moves", false, "36")] {
            let part = entries.filter { $0.widening == widening }
            guard !part.isEmpty else { continue }
            out += "  " + style(color, title + ":") + "\n"
            for entry in part {
                out += "    \(entry.symbol) \(entry.text)\n"
                for detail in entry.details { out += "        \(detail)\n" }
            }
        }
        return out
    }

    /// The replay: its heading, then one line per kind of change with its details.
    static func replayText(_ replay: TrafficReplay, style: (String, String) -> String) -> String {
        var out = replay.heading + ":\n"
        for line in replay.lines {
            let text = "  \(line.symbol) \(line.text)"
            out += (line.symbol == "!" || line.symbol == "-" ? style("33;1", text) : text) + "\n"
            for detail in line.details { out += "      \(detail)\n" }
        }
        if let note = replay.driftNote { out += "  (\(note))\n" }
        return out
    }

    /// The plan as JSON (the format of saved plans; schema in `schemas/plan.schema.json`).
    public static func json(_ plan: Plan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(plan), as: UTF8.self) + "\n"
    }
}
