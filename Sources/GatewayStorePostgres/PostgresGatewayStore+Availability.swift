import NIOCore
import PostgresNIO

extension PostgresGatewayStore {
    /// A PostgreSQL server is reached over the network.
    public var mayBeUnreachable: Bool { true }

    /// The errors of a server that cannot be reached or went away: the pool's (no connection
    /// could be made), the connection's (refused, closed, reset), and the server's own refusals
    /// while it starts or shuts down (SQLSTATE classes 08, connection exception, and 57,
    /// operator intervention, such as 57P01 admin_shutdown).
    public func isUnavailable(_ error: any Error) -> Bool {
        // The pool's own error type (its circuit breaker, a connection that could not be made)
        // is not exported by PostgresNIO, so it is known by name.
        if String(describing: type(of: error)) == "ConnectionPoolError" { return true }
        switch error {
        case is IOError, is ChannelError:
            return true
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("57")
            default:
                return false
            }
        default:
            return false
        }
    }
}
