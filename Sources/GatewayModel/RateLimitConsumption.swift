/// What one gatewayd instance took from one rate-limit bucket since it last told the others:
/// the unit instances exchange through a shared state (PostgreSQL) so that a limit holds across
/// all of them.
public struct RateLimitConsumption: Sendable, Hashable {
    /// The bucket: `team:NAME:rpm`, `key:TEAM/NAME:tpm`, ….
    public var scope: String
    /// The bucket's capacity, refilled over a minute: the limit per minute.
    public var perMinute: Double
    /// Requests or tokens taken since the last exchange (zero: only asking for the level).
    public var consumed: Double

    public init(scope: String, perMinute: Double, consumed: Double) {
        self.scope = scope
        self.perMinute = perMinute
        self.consumed = consumed
    }
}

/// A shared rate-limit bucket's level after an exchange: what is left of its capacity for the
/// whole fleet, refilled to the moment of the exchange.
public struct RateLimitLevel: Sendable, Hashable {
    public var scope: String
    public var perMinute: Double
    /// May be below zero: instances admitted more, between exchanges, than was left.
    public var level: Double

    public init(scope: String, perMinute: Double, level: Double) {
        self.scope = scope
        self.perMinute = perMinute
        self.level = level
    }
}

/// A state store that holds rate-limit buckets for several gatewayd instances (PostgreSQL).
public protocol RateLimitExchange: Sendable {
    /// Adds each bucket's consumption to the shared bucket (refilled to now, created full when
    /// new) and returns every bucket's level after it, in one transaction.
    func exchangeRateLimits(_ consumption: [RateLimitConsumption]) async throws -> [RateLimitLevel]
    /// Every shared bucket's level now: what a starting instance begins from.
    func rateLimitLevels() async throws -> [RateLimitLevel]
}
