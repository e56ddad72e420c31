import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The connections to one endpoint from one event loop: the idle ones, how many are open, and
/// the exchanges waiting for one when the limit is reached. Touched only on its loop.
final class EndpointPool {
    let endpoint: UpstreamEndpoint
    let loop: EventLoop
    private let limit: Int
    private let settings: UpstreamClient.Configuration
    private let tls: NIOSSLContext?
    private var idle: [UpstreamConnection] = []
    /// Connections open or being opened.
    private var open = 0
    private var waiting = CircularBuffer<UpstreamExchange>()
    private var shutDown = false

    init(
        endpoint: UpstreamEndpoint, loop: EventLoop, limit: Int, settings: UpstreamClient.Configuration,
        tls: NIOSSLContext?
    ) {
        self.endpoint = endpoint
        self.loop = loop
        self.limit = limit
        self.settings = settings
        self.tls = tls
    }

    /// Sends `exchange` on an idle connection, a new one, or the next one freed.
    func send(_ exchange: UpstreamExchange, fresh: Bool = false) {
        guard !shutDown else { return exchange.fail(.shutDown) }
        if !fresh, let connection = takeIdle() { return connection.start(exchange) }
        if open < limit { return connect(for: exchange) }
        waiting.append(exchange)
    }

    private func takeIdle() -> UpstreamConnection? {
        let now = NIODeadline.now()
        while let connection = idle.popLast() {
            // Providers close idle connections after a while; one idle longer than that is not
            // trusted with a request.
            if connection.isActive, now - connection.idleSince < settings.idleTimeout { return connection }
            connection.close()
        }
        return nil
    }

    /// A connection finished an exchange cleanly: the next waiting exchange gets it, or it idles.
    func release(_ connection: UpstreamConnection) {
        while let next = waiting.popFirst() {
            if !next.finished { return connection.start(next) }
        }
        if shutDown { return connection.close() }
        idle.append(connection)
    }

    /// A connection closed; the exchange it carried (if any) is sent once more when no byte of
    /// the answer had come on a reused connection (the provider closed it while idle), else fails.
    func closed(_ connection: UpstreamConnection, carrying exchange: UpstreamExchange?) {
        open -= 1
        if let index = idle.firstIndex(where: { $0 === connection }) { idle.remove(at: index) }
        if let exchange {
            if connection.reused, exchange.prepareRetry() {
                send(exchange, fresh: true)
            } else {
                exchange.fail(.connectionClosed)
            }
        }
        serveWaiting()
    }

    /// Opens connections for waiting exchanges while there is room.
    private func serveWaiting() {
        while open < limit, let next = waiting.popFirst() {
            if !next.finished { connect(for: next) }
        }
    }

    private func connect(for exchange: UpstreamExchange) {
        open += 1
        let connection = UpstreamConnection(pool: self)
        let endpoint = endpoint
        let tls = tls
        let bound = NIOLoopBound(connection, eventLoop: loop)
        // An address is connected to directly (and gets no TLS server name); only a name goes
        // through the resolver's thread.
        let address = try? SocketAddress(ipAddress: endpoint.host, port: endpoint.port)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(settings.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        let serverName = address == nil ? endpoint.host : nil
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(bound.value)
                }
            }
        bootstrap.connect(to: address, orHost: endpoint.host, port: endpoint.port)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success:
                    if exchange.finished {
                        // It timed out or was cancelled while connecting; the connection is still useful.
                        release(connection)
                    } else {
                        connection.start(exchange)
                    }
                case .failure(let error):
                    open -= 1
                    exchange.fail(.connectFailed("\(endpoint): \(error)"))
                    serveWaiting()
                }
            }
    }

    /// Closes the idle connections and refuses new exchanges; those in flight finish.
    func shutdown() {
        shutDown = true
        for connection in idle { connection.close() }
        idle.removeAll()
        while let next = waiting.popFirst() { next.fail(.shutDown) }
    }
}

extension ClientBootstrap {
    fileprivate func connect(to address: SocketAddress?, orHost host: String, port: Int) -> EventLoopFuture<any Channel>
    {
        if let address { return connect(to: address) }
        return connect(host: host, port: port)
    }
}
