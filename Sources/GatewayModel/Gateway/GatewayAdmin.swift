/// What gwctl needs from a gateway: read its state, apply a changeset. Implemented over HTTP
/// (`AdminClient`) and in-process over the same store code (`EmbeddedAdmin`), so plans and
/// applies behave the same against either.
public protocol GatewayAdmin: Sendable {
    /// A human-readable name of the target, printed in plan headers.
    var targetDescription: String { get }
    /// The whole state at one revision.
    func state() async throws -> GatewayState
    /// Applies every operation or none; throws `GatewayAdminError`.
    func apply(_ changeset: Changeset) async throws -> ChangesetResult
    /// The admission trace of a key's request for a model, without calling a provider.
    func explain(_ request: ExplainRequest) async throws -> Explanation
    /// Usage records at or after `since` (nil: the last 7 days), optionally of one team, oldest first.
    func usage(since: Timestamp?, team: String?) async throws -> [UsageRecord]
    /// The requests served at or after `since`, grouped for a replay (`TrafficGroup`).
    func traffic(since: Timestamp) async throws -> [TrafficGroup]
}

/// Why a gateway refused a request, in terms a CLI can act on.
public enum GatewayAdminError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Preconditions failed: the state moved since it was read (HTTP 409).
    case conflict([Conflict])
    /// The changeset is invalid or would leave the state inconsistent (HTTP 422).
    case invalidChangeset([ChangeProblem])
    /// The token is missing or wrong (HTTP 401).
    case unauthorized(String)
    /// The token's role may not do this (HTTP 403).
    case forbidden(String)
    /// Anything else the gateway reported, with its stable code.
    case failed(status: Int, code: String, message: String)
    /// The gateway could not be reached or answered something unreadable.
    case transport(String)

    /// Whether the same call may succeed if made again: a lost connection, a timeout, 429, 500,
    /// 502, 503, 504. Everything else is the gateway's considered answer.
    public var isTransient: Bool {
        switch self {
        case .transport: return true
        case .failed(let status, _, _): return [429, 500, 502, 503, 504].contains(status)
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .conflict(let conflicts):
            return "the gateway state changed since it was read:\n"
                + conflicts.map { "  - \($0)" }.joined(separator: "\n")
        case .invalidChangeset(let problems):
            return "the gateway refused the changeset:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        case .unauthorized(let message): return "unauthorized: \(message)"
        case .forbidden(let message): return "forbidden: \(message)"
        case .failed(let status, let code, let message): return "gateway error \(status) \(code): \(message)"
        case .transport(let message): return "cannot reach the gateway: \(message)"
        }
    }
}
