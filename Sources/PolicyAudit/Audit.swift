import GatewayModel

/// The audit of a gateway's configuration: one row per API key and every finding.
///
/// Pure over a `GatewayState`, so it runs the same on the live state (any target) and on the
/// desired state of manifests (the plan-time lint, which drops what only the live state knows).
public enum Audit {
    /// What the audit looks for and when "now" is.
    public struct Options: Sendable {
        public var now: Timestamp
        /// Keys unused for this many days are reported; nil skips the check.
        public var unusedDays: Int?
        /// Keys expiring within this many days are reported.
        public var expiringWithinDays: Int
        /// Only these teams (their keys, credentials and the team itself); nil for all.
        public var teams: Set<String>?
        /// Whether to report one row per key; the lint needs only findings, and 100k rows cost memory.
        public var keyRows: Bool

        public init(
            now: Timestamp = .now, unusedDays: Int? = nil, expiringWithinDays: Int = 14, teams: Set<String>? = nil,
            keyRows: Bool = true
        ) {
            self.now = now
            self.unusedDays = unusedDays
            self.expiringWithinDays = expiringWithinDays
            self.teams = teams
            self.keyRows = keyRows
        }
    }

    public static func run(_ state: GatewayState, target: String, options: Options = Options()) -> AuditReport {
        let index = PolicyIndex(state: state)
        // Teams outside `--team` are skipped whole: their keys are not reported, and the
        // credentials their keys use matter only to their own (filtered-out) findings.
        let teams = index.teams.filter { options.teams?.contains($0.metadata.name) ?? true }
        var keys: [KeyAudit] = []
        var findings: [Finding] = []
        var usedCredentials: Set<String> = []
        for share in TeamShare.audit(teams, index: index, options: options) {
            keys += share.keys
            findings += share.findings
            usedCredentials.formUnion(share.usedCredentials)
        }
        findings += TeamFindings(index: index).findings(usedCredentials: usedCredentials)
        findings += RuleFindings(index: index).findings()
        if let teams = options.teams {
            findings = findings.filter { finding in
                let team = finding.resource.team ?? (finding.resource.kind == .team ? finding.resource.name : nil)
                return team.map(teams.contains) ?? false
            }
        }
        findings.sort(by: Finding.ordered)
        return AuditReport(
            target: target, revision: state.revision, generatedAt: options.now, keys: keys, findings: findings)
    }
}

/// What `gwctl audit` reports.
public struct AuditReport: Sendable, Hashable, Codable {
    /// The gateway audited, as the plan header names it.
    public var target: String
    public var revision: Int64
    public var generatedAt: Timestamp
    public var keys: [KeyAudit]
    public var findings: [Finding]
    public var summary: Summary

    public struct Summary: Sendable, Hashable, Codable {
        public var keys: Int
        public var errors: Int
        public var warnings: Int
        public var infos: Int
    }

    public init(target: String, revision: Int64, generatedAt: Timestamp, keys: [KeyAudit], findings: [Finding]) {
        self.target = target
        self.revision = revision
        self.generatedAt = generatedAt
        self.keys = keys
        self.findings = findings
        summary = Summary(
            keys: keys.count, errors: findings.count { $0.severity == .error },
            warnings: findings.count { $0.severity == .warning }, infos: findings.count { $0.severity == .info })
    }

    /// Whether any finding is at least as severe as `severity`: `--fail-on`.
    public func hasFindings(atLeast severity: Finding.Severity) -> Bool {
        findings.contains { $0.severity >= severity }
    }
}
