import GatewayModel

/// When and how often `AdminClient` tries a call again: only calls that are safe to repeat (reads,
/// and changesets, which carry an idempotency key), only after failures that may pass (a lost
/// connection, a timeout, 429, 500, 502, 503, 504), with exponential backoff and full jitter so
/// that clients failing together do not retry together.
public struct RetryPolicy: Sendable {
    /// Tries in all, the first included.
    public var attempts: Int
    public var initialDelay: Duration
    public var maxDelay: Duration

    public init(attempts: Int, initialDelay: Duration, maxDelay: Duration) {
        self.attempts = max(1, attempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// Six tries over at most ~6 s of waiting: rides out a gatewayd restart or a flaky proxy.
    public static let standard = RetryPolicy(attempts: 6, initialDelay: .milliseconds(100), maxDelay: .seconds(2))
    /// One try.
    public static let never = RetryPolicy(attempts: 1, initialDelay: .zero, maxDelay: .zero)

    /// Runs `body`, again after transient failures, until it succeeds or the tries run out (then
    /// the last failure is thrown).
    public func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error as GatewayAdminError where attempt < attempts && error.isTransient {
                try await Task.sleep(for: delay(after: attempt))
                attempt += 1
            }
        }
    }

    /// A random wait in [0, min(maxDelay, initialDelay × 2^(attempt-1))].
    func delay(after attempt: Int) -> Duration {
        let ceiling = min(maxDelay, initialDelay * (1 << min(attempt - 1, 20)))
        let nanoseconds = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds))
    }
}
