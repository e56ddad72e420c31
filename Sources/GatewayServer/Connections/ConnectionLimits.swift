import Synchronization

/// How long a client connection may take for each part of its life, and how many may be open.
///
/// Without these, 3,000 idle connections (a third of them holding half-sent headers) all stayed
/// open for over 70 s. The defaults sit where nginx and Envoy put theirs: nginx waits 60 s for
/// headers and between body reads and keeps idle connections 75 s; gatewayd's clients are SDKs
/// on fast networks, so headers get 10 s, body reads 30 s and an idle keep-alive 60 s
/// (docs/data-plane.md, "Connections").
public struct ConnectionLimits: Sendable {
    /// From a connection's accept to its first request's complete headers.
    public var headerTimeout: Duration
    /// Between two reads of a request body (a body that stalls), as nginx's `client_body_timeout`.
    public var bodyTimeout: Duration
    /// A kept-alive connection with no request in progress, from its last response to the next
    /// request's complete headers.
    public var idleTimeout: Duration
    /// Client connections open at once; past it, a connection's request is answered `503
    /// overloaded` with `Connection: close`.
    public var maxConnections: Int

    public init(
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60), maxConnections: Int = 4096
    ) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}

/// The client connections open now, shared by every connection's ``ConnectionGuard``.
final class OpenConnections: Sendable {
    let limit: Int
    private let count = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection; false when it is past the cap (it is counted all the same, until it closes).
    func open() -> Bool { count.wrappingAdd(1, ordering: .relaxed).newValue <= limit }

    func close() { count.subtract(1, ordering: .relaxed) }

    var current: Int { count.load(ordering: .relaxed) }
}
