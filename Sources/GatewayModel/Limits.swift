/// A spending cap in US dollars over a period.
public struct Budget: Sendable, Hashable, Codable {
    public var limitUSD: Double
    public var period: BudgetPeriod

    public init(limitUSD: Double, period: BudgetPeriod) {
        self.limitUSD = limitUSD
        self.period = period
    }
}

/// Request and token rates per minute; an absent rate is unlimited.
public struct RateLimit: Sendable, Hashable, Codable {
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?

    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }
}
