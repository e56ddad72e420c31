import GatewayModel

/// Plans as Markdown for pull-request comments: the summary first, deletions called out, and
/// the details of each change in a collapsible section.
public enum MarkdownRenderer {
    public static func markdown(_ plan: Plan) -> String {
        var out = "### gwctl plan\n\n"
        out += "Target: `\(plan.target)` (state revision \(plan.stateRevision))\n\n"
        out += "**\(plan.summary)**\n\n"
        if !plan.errors.isEmpty {
            out += "> [!CAUTION]\n> This plan cannot be applied:\n"
            for error in plan.errors { out += "> - \(escape(error))\n" }
            out += "\n"
        }
        let deletions = plan.actions.filter { $0.action == .delete }
        if !deletions.isEmpty {
            out +=
                "> [!WARNING]\n> This plan **deletes \(deletions.count) \(deletions.count == 1 ? "resource" : "resources")**:\n"
            for action in deletions { out += "> - `\(action.target)`\n" }
            out += "\n"
        }
        if let access = plan.access, !access.isEmpty {
            out += accessMarkdown(access)
        }
        if let replay = plan.replay {
            out += replayMarkdown(replay)
        }
        if !plan.hasChanges {
            out += "No changes. The gateway matches the manifests.\n"
        } else {
            out += "| action | resource | changes |\n|---|---|---|\n"
            for action in plan.actions {
                let count = action.changes.count + (action.secret == nil ? 0 : 1)
                out += "| \(action.action.rawValue) | `\(action.target)` | \(count) |\n"
            }
            out += "\n<details><summary>Details</summary>\n\n```diff\n"
            for action in plan.actions {
                let symbol =
                    ["create": "+", "update": "!", "rotate": "!", "delete": "-"][action.action.rawValue] ?? " "
                out += "\(symbol) \(action.action.rawValue) \(action.target)\n"
                for change in action.changes {
                    out += "    \(change.path): \(change.before ?? "(unset)") -> \(change.after ?? "(removed)")\n"
                }
                if let secret = action.secret {
                    let source = secret == .removed ? "" : action.secretSource.map { " from \($0)" } ?? ""
                    out += "    secret: (secret \(secret.rawValue))\(source)\n"
                }
                for note in action.notes { out += "    # \(note)\n" }
            }
            out += "```\n\n</details>\n"
        }
        if !plan.unmanaged.isEmpty {
            out +=
                "\n<details><summary>\(plan.unmanaged.count) resources not managed by gwctl (left alone)</summary>\n\n"
            for ref in plan.unmanaged { out += "- `\(ref)`\n" }
            out += "\n</details>\n"
        }
        return out
    }

    /// Who gains or loses what, widening called out first as a warning a reviewer cannot miss.
    static func accessMarkdown(_ access: AccessReview) -> String {
        var out = "#### Access\n\n"
        out +=
            "\(access.keysChanged) of the \(access.keysCompared) keys this plan could affect change what they reach.\n\n"
        let entries = access.entries
        // Widening in a callout (every line quoted), the rest as a plain list.
        for (widening, heading, quote) in [
            (true, "> [!WARNING]\n> **Widens access:**\n", "> "), (false, "**Narrows or moves:**\n", ""),
        ] {
            let part = entries.filter { $0.widening == widening }
            guard !part.isEmpty else { continue }
            out += heading
            for entry in part {
                out += "\(quote)- `\(entry.symbol)` \(escape(entry.text))\n"
                for detail in entry.details { out += "\(quote)  - \(escape(detail))\n" }
            }
            out += "\n"
        }
        return out
    }

    /// The replay as a list under its own heading.
    static func replayMarkdown(_ replay: TrafficReplay) -> String {
        var out = "#### Replay\n\n\(escape(replay.heading)).\n\n"
        for line in replay.lines {
            out += "- `\(line.symbol)` \(escape(line.text))\n"
            for detail in line.details { out += "  - \(escape(detail))\n" }
        }
        if let note = replay.driftNote { out += "\n_\(escape(note))._\n" }
        return out + "\n"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
