/// What one of gatewayd's listeners serves (docs/operations.md, "Listeners"). By default one
/// listener serves everything; given an admin address, the data plane faces clients on one
/// and the admin API and metrics stay on another, which can be bound to a private interface.
public enum ListenerRole: String, Sendable, CaseIterable {
    /// The data plane, the admin API, `/metrics` and `/healthz`.
    case all
    /// The data plane and `/healthz`.
    case dataPlane = "data-plane"
    /// The admin API, `/metrics` and `/healthz`.
    case admin
}

/// An address and port to listen on.
public struct ListenAddress: Sendable, Hashable {
    public var host: String
    /// 0 picks a free port.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}
