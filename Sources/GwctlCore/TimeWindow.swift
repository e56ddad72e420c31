import GatewayModel

/// A window of recorded traffic reaching up to now: `7d`, `24h`, `30m` (any `Interval`) back from
/// the moment it is read, or from an RFC 3339 instant. Parsed once, where the text is read, so a
/// command's later stages cannot meet a window they do not understand.
public struct TimeWindow: Sendable, Hashable, CustomStringConvertible {
    private enum Start: Sendable, Hashable {
        case ago(seconds: Int64)
        case at(Timestamp)
    }

    private let start: Start
    /// The window as written (`7d`), for reports that name it.
    public let description: String

    private init(start: Start, description: String) {
        self.start = start
        self.description = description
    }

    /// The last seven days, the usage report's default.
    public static let lastSevenDays = TimeWindow(start: .ago(seconds: 7 * 86_400), description: "7d")

    /// Nil when `text` is neither an interval nor an RFC 3339 instant.
    public init?(_ text: String) {
        if let instant = Timestamp(rfc3339: text) {
            start = .at(instant)
        } else if let seconds = Interval.seconds(text) {
            start = .ago(seconds: seconds)
        } else {
            return nil
        }
        description = text
    }

    /// The first instant inside the window when it is read at `now`.
    public func since(now: Timestamp = .now) -> Timestamp {
        switch start {
        case .at(let instant): return instant
        case .ago(let seconds): return Timestamp(seconds: now.seconds - seconds)
        }
    }

    /// What a user is told when a window does not parse.
    public static let expectedForm = "7d, 24h, 30m or 2026-11-01T00:00:00Z"
}
