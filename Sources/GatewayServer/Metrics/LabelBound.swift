import Synchronization

/// The values one metrics label may take: the first `capacity` distinct values seen stay
/// themselves, and every later one is `other`. Each value is a series in every scrape, so an
/// unbounded label (a client's made-up model names) would grow the scrape and the scraper's
/// storage without end.
final class LabelBound: Sendable {
    /// The value counted for everything past the cap.
    static let overflow = "other"

    private let capacity: Int
    private let seen = Mutex<Set<String>>([])

    init(capacity: Int) { self.capacity = capacity }

    /// `value` itself while there is room (or it was seen before), otherwise `other`.
    func label(_ value: String) -> String {
        seen.withLock { seen in
            if seen.contains(value) { return value }
            guard seen.count < capacity else { return Self.overflow }
            seen.insert(value)
            return value
        }
    }
}
