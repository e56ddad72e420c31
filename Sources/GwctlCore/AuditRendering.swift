import Foundation
import GatewayModel
import PolicyAudit

/// `gwctl audit` output: a table for people, JSON and CSV for machines, Markdown for pull requests.
extension AuditReport {
    /// What a report prints: its keys, its findings, or both.
    public enum Section: String, Sendable, CaseIterable {
        case all
        case keys
        case findings
    }

    /// Aligned tables of keys (one line per provider a key reaches) and findings, with a summary.
    public func table(_ section: Section = .all) -> String {
        var out = "Audit of \(target) at revision \(revision) (\(generatedAt))\n"
        if section != .findings {
            var rows = [
                [
                    "KEY", "PREFIX", "MANAGED", "CREATED", "EXPIRES", "LAST USED", "STATUS", "PROVIDER", "CREDENTIAL",
                    "MODELS",
                ]
            ]
            for key in keys {
                let details = [
                    key.qualifiedName, Self.prefixes(key), key.managedBy ?? "-", Self.day(key.createdAt),
                    Self.day(key.expiresAt), key.lastUsedAt.map { Self.day($0) } ?? "never", key.status.rawValue,
                ]
                guard !key.reach.isEmpty else {
                    rows.append(details + ["-", "-", key.status == .active ? "(nothing reachable)" : "-"])
                    continue
                }
                for (position, reach) in key.reach.enumerated() {
                    let lead = position == 0 ? details : details.map { _ in "" }
                    rows.append(
                        lead + [
                            reach.provider, reach.credentialDescription(team: key.team),
                            reach.models.joined(separator: ", "),
                        ])
                }
            }
            out += "\n" + Tabular.aligned(rows)
        }
        if section != .keys {
            if findings.isEmpty {
                out += "\nNo findings.\n"
            } else {
                var rows = [["SEVERITY", "ID", "RESOURCE", "FINDING"]]
                for finding in findings {
                    rows.append([finding.severity.rawValue, finding.code.rawValue, Self.name(finding), finding.message])
                    rows.append(["", "", "", "fix: " + finding.fix])
                }
                out += "\n" + Tabular.aligned(rows)
            }
        }
        return out + "\n" + summaryLine + "\n"
    }

    /// `8 keys; 1 error, 3 warnings, 2 info`.
    public var summaryLine: String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "\(count(summary.keys, "key")); \(count(summary.errors, "error")), "
            + "\(count(summary.warnings, "warning")), \(summary.infos) info"
    }

    /// The report as JSON (stable key order): `target`, `revision`, `generatedAt`, `keys`, `findings`, `summary`.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// One CSV table: keys (one row per key, reach flattened) or, for `.findings`, findings.
    public func csv(_ section: Section = .keys) -> String {
        guard section != .findings else {
            return Tabular.csv(
                [["severity", "id", "kind", "team", "name", "field", "message", "fix"]]
                    + findings.map { finding in
                        [
                            finding.severity.rawValue, finding.code.rawValue, finding.resource.kind.rawValue,
                            finding.resource.team ?? (finding.resource.kind == .team ? finding.resource.name : ""),
                            finding.resource.name, finding.field ?? "", finding.message, finding.fix,
                        ]
                    })
        }
        let byKey = Dictionary(grouping: findings.filter { $0.resource.kind == .apiKey }) {
            ($0.resource.team ?? "") + "/" + $0.resource.name
        }
        return Tabular.csv(
            [
                [
                    "team", "key", "prefix", "managed_by", "created_at", "expires_at", "last_used_at", "status",
                    "reach", "findings",
                ]
            ]
                + keys.map { key in
                    [
                        key.team, key.name, key.prefix ?? "", key.managedBy ?? "",
                        key.createdAt?.description ?? "", key.expiresAt?.description ?? "",
                        key.lastUsedAt?.description ?? "", key.status.rawValue,
                        key.reach.map { reach in
                            "\(reach.provider) [\(reach.credentialDescription(team: key.team))]: "
                                + reach.models.joined(separator: " ")
                        }.joined(separator: "; "),
                        (byKey[key.qualifiedName] ?? []).map(\.code.rawValue).joined(separator: " "),
                    ]
                })
    }

    /// A pull-request comment: the summary, the findings, and the keys folded away.
    public func markdown() -> String {
        var out = "### gwctl audit\n\n**\(summaryLine)** — `\(target)` at revision \(revision)\n\n"
        if findings.isEmpty {
            out += "No findings.\n"
        } else {
            let icons: [Finding.Severity: String] = [.error: "🛑 error", .warning: "⚠️ warning", .info: "ℹ️ info"]
            out += Tabular.markdown(
                [["Severity", "ID", "Resource", "Finding", "Fix"]]
                    + findings.map { finding in
                        [
                            icons[finding.severity] ?? finding.severity.rawValue, "`\(finding.code.rawValue)`",
                            "`\(Self.name(finding))`", finding.message, finding.fix,
                        ]
                    })
        }
        out += "\n<details><summary>\(keys.count) keys: what each can reach</summary>\n\n"
        out += Tabular.markdown(
            [["Key", "Status", "Expires", "Last used", "Reach"]]
                + keys.map { key in
                    [
                        "`\(key.qualifiedName)`", key.status.rawValue, Self.day(key.expiresAt),
                        key.lastUsedAt.map { Self.day($0) } ?? "never",
                        key.reach.map {
                            "**\($0.provider)** via \($0.credentialDescription(team: key.team)): \($0.models.joined(separator: ", "))"
                        }
                        .joined(separator: "<br>"),
                    ]
                })
        return out + "\n</details>\n"
    }

    private static func day(_ timestamp: Timestamp?) -> String {
        guard let timestamp else { return "-" }
        return String(timestamp.description.prefix(10))
    }

    /// The current prefix, and how many replaced secrets still work (the findings say until when).
    private static func prefixes(_ key: KeyAudit) -> String {
        if let issuer = key.issuer { return "oidc:" + issuer }
        let current = key.prefix ?? "-"
        guard let retiring = key.retiringSecrets else { return current }
        return current + " (+\(retiring.count) retiring)"
    }

    /// `team/payments`, `key payments/checkout`.
    private static func name(_ finding: Finding) -> String {
        let resource = finding.resource
        let kind = resource.kind == .apiKey ? "key" : resource.kind.rawValue
        let name = resource.team.map { $0 + "/" + resource.name } ?? resource.name
        return "\(kind)/\(name)" + (finding.field.map { " \($0)" } ?? "")
    }
}
