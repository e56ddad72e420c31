import Foundation
import GatewayModel
import PolicyAudit

/// `gwctl audit --env all`: each environment's own audit, then what only a comparison shows
/// (`IdentityDrift`), as one report with one exit status.
public struct EnvironmentsAudit: Sendable, Codable {
    /// One environment's audit.
    public struct Entry: Sendable, Codable {
        public var environment: String
        public var report: AuditReport
    }

    public var environments: [Entry]
    /// The cross-environment findings, as a report of their own (it has no keys).
    public var acrossEnvironments: AuditReport

    /// Audits each environment's state and compares their identities.
    public init(_ states: [(environment: String, target: String, state: GatewayState)], options: Audit.Options) {
        environments = states.map {
            Entry(environment: $0.environment, report: Audit.run($0.state, target: $0.target, options: options))
        }
        acrossEnvironments = AuditReport(
            target: "environments " + states.map(\.environment).joined(separator: ", "), revision: 0,
            generatedAt: options.now, keys: [],
            findings: IdentityDrift.findings(
                states.map { IdentityDrift.Environment(name: $0.environment, state: $0.state) }))
    }

    public func hasFindings(atLeast severity: Finding.Severity) -> Bool {
        acrossEnvironments.hasFindings(atLeast: severity)
            || environments.contains { $0.report.hasFindings(atLeast: severity) }
    }

    /// Each environment's tables under its name, then the comparison's findings.
    public func table(_ section: AuditReport.Section = .all) -> String {
        var out = ""
        for entry in environments { out += "== \(entry.environment) ==\n" + entry.report.table(section) + "\n" }
        out += "== across environments ==\n"
        let drift = acrossEnvironments.findings
        guard !drift.isEmpty else {
            return out + "No key or credential is in different teams in different environments.\n"
        }
        return out + acrossEnvironments.table(.findings)
    }

    public func markdown() -> String {
        var out = ""
        for entry in environments { out += "## \(entry.environment)\n\n" + entry.report.markdown() + "\n" }
        out += "## Across environments\n\n"
        let drift = acrossEnvironments.findings
        guard !drift.isEmpty else {
            return out + "No key or credential is in different teams in different environments.\n"
        }
        return out + acrossEnvironments.markdown()
    }

    /// `{"environments":[{"environment","report"}],"acrossEnvironments":{…}}`, stable key order.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
