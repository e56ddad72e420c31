import Synchronization

/// The request-body bytes all data-plane requests may hold in memory at once.
///
/// Each request's limit (`maxBodyBytes`) bounds one body, not how many arrive together: twenty
/// concurrent 60 MiB bodies took gatewayd from 41 MiB to 904 MiB resident. A body reserves its
/// bytes here before they are read (its whole `Content-Length` at once, or chunk by chunk when
/// the length is not sent) and gives them back when its request has been answered; past the
/// budget the request is refused `503 overloaded` with `Retry-After` instead of read.
final class BodyBudget: Sendable {
    /// The bytes that may be reserved at once.
    let capacity: Int
    private let reserved = Atomic<Int>(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Reserves `bytes`; false (and nothing reserved) when that would pass the budget.
    func reserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        var current = reserved.load(ordering: .relaxed)
        while true {
            guard current + bytes <= capacity else { return false }
            let (exchanged, original) = reserved.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Gives back bytes an earlier `reserve` took.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        reserved.subtract(bytes, ordering: .relaxed)
    }

    /// The bytes reserved now.
    var inUse: Int { reserved.load(ordering: .relaxed) }
}
