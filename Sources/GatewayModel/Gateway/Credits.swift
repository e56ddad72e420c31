/// A team's prepaid credit, which pays for requests served with system credentials.
public struct CreditBalance: Sendable, Hashable, Codable {
    public var team: String
    /// Millionths of a US dollar, exact.
    public var balanceMicroUSD: Int64
    public var updatedAt: Timestamp?

    public init(team: String, balanceMicroUSD: Int64, updatedAt: Timestamp?) {
        self.team = team
        self.balanceMicroUSD = balanceMicroUSD
        self.updatedAt = updatedAt
    }

    /// The balance in dollars, for display.
    public var balanceUSD: Double { Double(balanceMicroUSD) / 1_000_000 }
}

/// A credit grant (positive) or correction (negative) for a team.
public struct CreditGrant: Sendable, Hashable, Codable {
    public var amountMicroUSD: Int64
    public var reason: String?

    public init(amountMicroUSD: Int64, reason: String? = nil) {
        self.amountMicroUSD = amountMicroUSD
        self.reason = reason
    }
}

/// One entry of the append-only audit log.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var at: Timestamp
    /// The admin token's name (or `embedded` for gwctl's local state).
    public var actor: String
    /// `create`, `update`, `delete`, `rotate`, or `grant-credits`.
    public var operation: String
    public var target: ResourceRef
    /// The state revision the change produced.
    public var revision: Int64
    /// SHA-256 of the resource's stored form (settings and secret fingerprint) before and after.
    public var before: String?
    public var after: String?

    public init(
        id: Int64, at: Timestamp, actor: String, operation: String, target: ResourceRef, revision: Int64,
        before: String?, after: String?
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.operation = operation
        self.target = target
        self.revision = revision
        self.before = before
        self.after = after
    }
}
