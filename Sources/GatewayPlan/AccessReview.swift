import GatewayModel

/// What a plan changes in who can reach what: the effect of its field changes on every key, as
/// the data plane's admission policy decides it, grouped so that a change affecting 10,000 keys
/// reads as one line. Widening (new reach, credits now paying, ZDR off, a secret sent to a new
/// host) comes before narrowing.
public struct AccessReview: Sendable, Hashable, Codable {
    /// Keys whose reach a change in the plan could affect, and so were decided again.
    public var keysCompared: Int
    /// Keys whose reach changes.
    public var keysChanged: Int
    /// Reach gained, lost or paid differently, grouped; widening first.
    public var changes: [AccessChange]
    /// Team and gateway settings that change who may call or what a call may cost; widening first.
    public var settings: [SettingChange]
    /// The most a period can cost, and keys spending credits without a budget, before and after.
    public var spend: SpendExposure

    public init(
        keysCompared: Int, keysChanged: Int, changes: [AccessChange], settings: [SettingChange], spend: SpendExposure
    ) {
        self.keysCompared = keysCompared
        self.keysChanged = keysChanged
        self.changes = changes
        self.settings = settings
        self.spend = spend
    }

    /// An empty review: the plan changes nothing that decides access.
    public static let none = AccessReview(
        keysCompared: 0, keysChanged: 0, changes: [], settings: [], spend: SpendExposure())

    /// Whether anything in the review widens access or exposure.
    public var widens: Bool {
        changes.contains(where: \.widening) || settings.contains(where: \.widening) || spend.widening
    }

    /// Whether the review has anything to say.
    public var isEmpty: Bool { changes.isEmpty && settings.isEmpty && !spend.changes }
}

/// How a credential pays for a call: in access reviews and access tests.
public struct CredentialUse: Sendable, Hashable, Codable, CustomStringConvertible {
    public var kind: UsageRecord.CredentialKind
    /// The team credential's name, for team BYOK.
    public var name: String?

    public init(kind: UsageRecord.CredentialKind, name: String? = nil) {
        self.kind = kind
        self.name = name
    }

    /// `system credential (credits)`, `team BYOK 'azure-payments'`, `per-request BYOK`.
    public var description: String {
        switch kind {
        case .system: return "system credential (credits)"
        case .teamBYOK: return "team BYOK" + (name.map { " '\($0)'" } ?? "")
        case .requestBYOK: return "per-request BYOK"
        }
    }
}

/// One kind of reach change shared by a group of keys.
public struct AccessChange: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Keys can now reach these models at this provider.
        case gains
        /// Keys can no longer reach them.
        case loses
        /// Keys still reach them, through another credential.
        case credential
    }

    public var kind: Kind
    /// New reach, or a credential that now pays from credits.
    public var widening: Bool
    public var provider: String
    public var models: [String]
    /// The credential that pays before the change (absent for `gains`).
    public var before: CredentialUse?
    /// The credential that pays after the change (absent for `loses`).
    public var after: CredentialUse?
    /// How many keys the change applies to.
    public var keys: Int
    /// A few of those keys, as `team/name`.
    public var examples: [String]
    /// Why, in words: the field changes in the plan that cause it.
    public var reasons: [String]

    public init(
        kind: Kind, widening: Bool, provider: String, models: [String], before: CredentialUse?,
        after: CredentialUse?, keys: Int, examples: [String], reasons: [String]
    ) {
        self.kind = kind
        self.widening = widening
        self.provider = provider
        self.models = models
        self.before = before
        self.after = after
        self.keys = keys
        self.examples = examples
        self.reasons = reasons
    }
}

/// A setting of teams or of the gateway that changes, grouped over the resources it applies to.
public struct SettingChange: Sendable, Hashable, Codable {
    /// `dataRetention`, `tier`, `suspension`, `budget`, `rateLimit`, `perRequestBYOK`,
    /// `byokRequiresPaidTier`, `secretDestination`.
    public var aspect: String
    /// Whether the change widens what callers may do or what a secret is exposed to.
    public var widening: Bool
    /// The change in words, e.g. `zero data retention turned off`.
    public var summary: String
    /// How many resources it applies to.
    public var count: Int
    /// A few of them (`team/payments`, `credential/payments/azure-payments`, `policy`).
    public var examples: [String]

    public init(aspect: String, widening: Bool, summary: String, count: Int, examples: [String]) {
        self.aspect = aspect
        self.widening = widening
        self.summary = summary
        self.count = count
        self.examples = examples
    }
}

/// The plan's effect on what can be spent.
public struct SpendExposure: Sendable, Hashable, Codable {
    /// The most each budget period can cost: a team's budget, or the sum of its keys' budgets
    /// when the team has none.
    public var periods: [PeriodTotal]
    /// Among the keys compared: how many can spend system credits with no budget on the key or its team.
    public var unbudgetedBefore: Int
    public var unbudgetedAfter: Int
    /// A few keys that can spend credits without a budget only after the change.
    public var newlyUnbudgeted: [String]

    public init(
        periods: [PeriodTotal] = [], unbudgetedBefore: Int = 0, unbudgetedAfter: Int = 0,
        newlyUnbudgeted: [String] = []
    ) {
        self.periods = periods
        self.unbudgetedBefore = unbudgetedBefore
        self.unbudgetedAfter = unbudgetedAfter
        self.newlyUnbudgeted = newlyUnbudgeted
    }

    /// Whether the most that can be spent changes.
    public var changes: Bool {
        unbudgetedBefore != unbudgetedAfter || periods.contains { $0.beforeUSD != $0.afterUSD }
    }

    /// More can be spent after than before.
    public var widening: Bool {
        unbudgetedAfter > unbudgetedBefore || periods.contains { $0.afterUSD > $0.beforeUSD }
    }
}

/// The sum of budgets of one period, before and after.
public struct PeriodTotal: Sendable, Hashable, Codable {
    public var period: BudgetPeriod
    public var beforeUSD: Double
    public var afterUSD: Double

    public init(period: BudgetPeriod, beforeUSD: Double, afterUSD: Double) {
        self.period = period
        self.beforeUSD = beforeUSD
        self.afterUSD = afterUSD
    }
}

extension PeriodTotal {
    /// `$750`, `$12.50`: budgets as reviewers read them.
    public static func dollars(_ value: Double) -> String {
        let cents = Int((value * 100).rounded())
        let whole = cents / 100
        let rest = abs(cents % 100)
        return rest == 0 ? "$\(whole)" : "$\(whole).\(rest < 10 ? "0" : "")\(rest)"
    }
}
