import GatewayModel

/// The requests a gateway served in a window, decided again under the planned state
/// (`gwctl plan --replay 7d`): what would now be refused, what moves to another provider or
/// credential, and the spend that moves between credits and BYOK at the planned prices.
///
/// The baseline is the live state decided now, not the route recorded at the time, so a plan
/// that changes nothing replays to no change. Only the requests of keys the plan can affect are
/// decided (`decided`); among them, those the live state already decides differently than when
/// they were served are counted apart (`drifted`), and their spend is priced under both states.
public struct TrafficReplay: Sendable, Hashable, Codable {
    /// The window as asked (`7d`), and its start.
    public var window: String
    public var since: Timestamp
    /// Requests replayed, and how many distinct (key, model, endpoint, route) groups they make.
    public var requests: Int
    public var groups: Int
    /// Requests of the keys the plan can affect, decided under both states.
    public var decided: Int
    /// Requests the live state serves and the planned state refuses.
    public var refused: Int
    /// Requests the live state refuses and the planned state serves.
    public var restored: Int
    /// Requests served under both, by another provider or credential after the plan.
    public var moved: Int
    /// Decided requests the live state already routes differently than the route they took.
    public var drifted: Int
    /// Newly refused requests by code (`model_denied`, `key_revoked`, …), most first.
    public var refusalsByCode: [ReplayCount]
    /// Newly refused requests by key, most first.
    public var refusalsByKey: [ReplayRefusal]
    /// Moves between providers or credentials, most requests first.
    public var moves: [ReplayMove]
    /// The decided requests' spend under the live and the planned state.
    public var spend: ReplaySpend

    public init(
        window: String, since: Timestamp, requests: Int, groups: Int, decided: Int, refused: Int, restored: Int,
        moved: Int,
        drifted: Int, refusalsByCode: [ReplayCount], refusalsByKey: [ReplayRefusal], moves: [ReplayMove],
        spend: ReplaySpend
    ) {
        self.window = window
        self.since = since
        self.requests = requests
        self.groups = groups
        self.decided = decided
        self.refused = refused
        self.restored = restored
        self.moved = moved
        self.drifted = drifted
        self.refusalsByCode = refusalsByCode
        self.refusalsByKey = refusalsByKey
        self.moves = moves
        self.spend = spend
    }

    /// Whether the plan changes the fate of any replayed request or what it costs.
    public var changes: Bool { refused + restored + moved > 0 || spend.changes }
}

/// A count of requests under a name (a refusal code).
public struct ReplayCount: Sendable, Hashable, Codable {
    public var name: String
    public var requests: Int

    public init(name: String, requests: Int) {
        self.name = name
        self.requests = requests
    }
}

/// One key's requests that the planned state refuses.
public struct ReplayRefusal: Sendable, Hashable, Codable {
    /// `team/name`.
    public var key: String
    /// The refusal code of most of them.
    public var code: String
    public var requests: Int
    /// The models they asked for.
    public var models: [String]
    /// The planned state's refusal, in words (of the most-asked model).
    public var reason: String

    public init(key: String, code: String, requests: Int, models: [String], reason: String) {
        self.key = key
        self.code = code
        self.requests = requests
        self.models = models
        self.reason = reason
    }
}

/// Requests that move from one provider and credential to another.
public struct ReplayMove: Sendable, Hashable, Codable {
    public var fromProvider: String
    public var fromCredential: CredentialUse
    public var toProvider: String
    public var toCredential: CredentialUse
    public var requests: Int
    /// How many keys, and a few of them.
    public var keys: Int
    public var examples: [String]

    public init(
        fromProvider: String, fromCredential: CredentialUse, toProvider: String, toCredential: CredentialUse,
        requests: Int, keys: Int, examples: [String]
    ) {
        self.fromProvider = fromProvider
        self.fromCredential = fromCredential
        self.toProvider = toProvider
        self.toCredential = toCredential
        self.requests = requests
        self.keys = keys
        self.examples = examples
    }

    /// Whether the move makes credits pay for what BYOK paid.
    public var widening: Bool { toCredential.kind == .system && fromCredential.kind != .system }
}

/// The decided requests' recorded tokens priced under each state, split by who pays.
public struct ReplaySpend: Sendable, Hashable, Codable {
    /// Paid from the teams' credits (system credentials), in micro-dollars.
    public var creditsBeforeMicroUSD: Int64
    public var creditsAfterMicroUSD: Int64
    /// Paid by the teams' own credentials (BYOK), in micro-dollars.
    public var byokBeforeMicroUSD: Int64
    public var byokAfterMicroUSD: Int64

    public init(
        creditsBeforeMicroUSD: Int64 = 0, creditsAfterMicroUSD: Int64 = 0, byokBeforeMicroUSD: Int64 = 0,
        byokAfterMicroUSD: Int64 = 0
    ) {
        self.creditsBeforeMicroUSD = creditsBeforeMicroUSD
        self.creditsAfterMicroUSD = creditsAfterMicroUSD
        self.byokBeforeMicroUSD = byokBeforeMicroUSD
        self.byokAfterMicroUSD = byokAfterMicroUSD
    }

    /// Whether either figure changes.
    public var changes: Bool {
        creditsBeforeMicroUSD != creditsAfterMicroUSD || byokBeforeMicroUSD != byokAfterMicroUSD
    }

    /// `$12.50`, or `$0.000150` below a cent, so small test traffic still reads as a number.
    public static func dollars(micro: Int64) -> String {
        let magnitude = micro.magnitude
        let sign = micro < 0 ? "-" : ""
        if magnitude == 0 { return "$0" }
        if magnitude < 10_000 {
            let fraction = String(magnitude % 1_000_000)
            return "\(sign)$0.\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
        }
        let cents = (magnitude + 5_000) / 10_000
        let rest = cents % 100
        return "\(sign)$\(cents / 100).\(rest < 10 ? "0" : "")\(rest)"
    }
}
