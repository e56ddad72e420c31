import Synchronization

/// Waits for an operation at most `limit`, then goes on without it.
///
/// Not a task group: a group waits for every child, and the operations this bounds (a lease from
/// PostgreSQL's pool, a usage write that must not be cancelled half-committed) may not end when
/// cancelled. The operation keeps running on its own task and its result, if it comes, is dropped.
enum Deadline {
    /// Thrown when `limit` passed first.
    struct Passed: Error, CustomStringConvertible {
        var limit: Duration
        var description: String { "no answer from the state store within \(limit)" }
    }

    static func run<Value: Sendable>(
        within limit: Duration, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let once = Once<Value>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                once.set(continuation)
                Task {
                    do { once.resume(with: .success(try await operation())) } catch {
                        once.resume(with: .failure(error))
                    }
                }
                Task {
                    try? await Task.sleep(for: limit)
                    once.resume(with: .failure(Passed(limit: limit)))
                }
            }
        } onCancel: {
            // The caller stops waiting; the operation, as on a timeout, goes on by itself.
            once.resume(with: .failure(CancellationError()))
        }
    }

    /// A continuation resumed once, by whichever of the operation, the timer and a cancellation
    /// comes first (a cancellation before the continuation exists is kept for it).
    private final class Once<Value: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Value, any Error>?
            var early: Result<Value, any Error>?
            var done = false
        }

        private let state = Mutex(State())

        func set(_ continuation: CheckedContinuation<Value, any Error>) {
            let early: Result<Value, any Error>? = state.withLock { state in
                if let early = state.early {
                    state.done = true
                    return early
                }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func resume(with result: Result<Value, any Error>) {
            let continuation: CheckedContinuation<Value, any Error>? = state.withLock { state in
                guard !state.done else { return nil }
                guard let continuation = state.continuation else {
                    if state.early == nil { state.early = result }
                    return nil
                }
                state.done = true
                state.continuation = nil
                return continuation
            }
            continuation?.resume(with: result)
        }
    }
}
