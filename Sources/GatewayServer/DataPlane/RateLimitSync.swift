import GatewayCore
import GatewayModel
import Logging
import ServiceLifecycle

/// Shares this instance's rate-limit consumption with the other instances of a PostgreSQL state,
/// every `interval`, off the request path: what it took goes in, the fleet's levels come back
/// (``RateLimiter/adopt(_:)``). A failed exchange keeps the consumption for the next one, so a
/// database outage delays the count but loses none of it.
struct RateLimitSync: Service {
    let limiter: RateLimiter
    let exchange: any RateLimitExchange
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // A starting instance begins from the fleet's count, not from full buckets.
        if let levels = try? await exchange.rateLimitLevels() { limiter.adopt(levels) }
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let taken = limiter.takeConsumption()
                guard !taken.isEmpty else { continue }
                do {
                    limiter.adopt(try await exchange.exchangeRateLimits(taken))
                    if failing {
                        failing = false
                        logger.notice("rate-limit counts are shared again")
                    }
                } catch {
                    limiter.restore(taken)
                    if !failing {
                        failing = true
                        logger.warning(
                            "cannot share rate-limit counts; each instance limits on its own count until it can",
                            metadata: ["reason": "\(error)"])
                    }
                }
            }
        }
        // What was taken since the last exchange still counts for the instances that go on.
        let taken = limiter.takeConsumption().filter { $0.consumed != 0 }
        if !taken.isEmpty {
            _ = try? await Deadline.run(within: .seconds(1)) { try await exchange.exchangeRateLimits(taken) }
        }
    }
}
