import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// gatewayd's HTTP/1.1 client for providers.
///
/// Each event loop keeps its own connections, so a request made by a handler running on a loop
/// is written, answered and resumed on that loop without a thread switch. (gatewayd runs its
/// tasks on the event loops; see its `main`.) Measured on the data-plane benchmark, this doubled
/// the throughput of the same forwarder built on AsyncHTTPClient, whose pool hands a request to
/// whichever loop owns a free connection.
///
/// Redirects are not followed: a provider's answer is passed on as it is, and a secret sent to
/// one host is never replayed to another.
public final class UpstreamClient: Sendable {
    public struct Configuration: Sendable {
        /// Connections kept to each endpoint, split evenly across the event loops. A request in
        /// flight holds one, so this caps the requests in flight per provider; the rest wait.
        public var connectionsPerEndpoint: Int
        public var connectTimeout: TimeAmount
        /// A connection idle for longer is closed instead of reused.
        public var idleTimeout: TimeAmount
        public var tls: TLSConfiguration

        public init(
            connectionsPerEndpoint: Int = 512, connectTimeout: TimeAmount = .seconds(10),
            idleTimeout: TimeAmount = .seconds(30), tls: TLSConfiguration = .makeClientConfiguration()
        ) {
            self.connectionsPerEndpoint = connectionsPerEndpoint
            self.connectTimeout = connectTimeout
            self.idleTimeout = idleTimeout
            self.tls = tls
        }
    }

    /// A client on NIO's shared event loops for tests and tools; never shut down.
    public static let shared = UpstreamClient()

    let group: MultiThreadedEventLoopGroup
    let configuration: Configuration
    private let loops: [ObjectIdentifier: (loop: any EventLoop, pools: LoopPools)]
    private let tls = NIOLockedValueBox<NIOSSLContext?>(nil)

    public init(group: MultiThreadedEventLoopGroup = .singleton, configuration: Configuration = .init()) {
        self.group = group
        self.configuration = configuration
        let all = Array(group.makeIterator())
        let perLoop = max(1, (configuration.connectionsPerEndpoint + all.count - 1) / all.count)
        var loops: [ObjectIdentifier: (loop: any EventLoop, pools: LoopPools)] = [:]
        for loop in all { loops[ObjectIdentifier(loop)] = (loop, LoopPools(limit: perLoop)) }
        self.loops = loops
    }

    /// Sends `request` and waits for the answer: its whole body (up to `wholeBodyLimit` bytes)
    /// or, with `streaming`, its head, with the body read as the caller iterates it.
    ///
    /// `timeout` bounds the wait for the answer and, for a stream, each pause between parts.
    public func execute(
        _ request: UpstreamRequest, timeout: TimeAmount, streaming: Bool = false, wholeBodyLimit: Int = 64 << 20
    ) async throws -> UpstreamResponse {
        let tls = request.endpoint.tls ? try tlsContext() : nil
        let loop =
            MultiThreadedEventLoopGroup.currentEventLoop.flatMap { loops[ObjectIdentifier($0)]?.loop }
            ?? group.next()
        let promise = loop.makePromise(of: UpstreamResponse.self)
        let handle = NIOLockedValueBox<NIOLoopBound<UpstreamExchange>?>(nil)
        let start: @Sendable () -> Void = {
            let exchange = self.begin(
                request, wholeLimit: streaming ? nil : wholeBodyLimit, timeout: timeout, tls: tls, promise: promise)
            handle.withLockedValue { $0 = NIOLoopBound(exchange, eventLoop: loop) }
        }
        return try await withTaskCancellationHandler {
            // Already on the loop (the usual case in gatewayd): start now rather than a tick later.
            if loop.inEventLoop { start() } else { loop.execute(start) }
            return try await promise.futureResult.get()
        } onCancel: {
            loop.execute { handle.withLockedValue { $0 }?.value.fail(.cancelled) }
        }
    }

    /// Sends `request` from `loop`, one of the client's, and collects the whole answer: for
    /// servers written on SwiftNIO directly (gwbench's floor of the stack).
    public func send(
        _ request: UpstreamRequest, on loop: any EventLoop, timeout: TimeAmount, wholeBodyLimit: Int = 64 << 20
    ) -> EventLoopFuture<UpstreamResponse> {
        loop.assertInEventLoop()
        let promise = loop.makePromise(of: UpstreamResponse.self)
        do {
            let tls = request.endpoint.tls ? try tlsContext() : nil
            begin(request, wholeLimit: wholeBodyLimit, timeout: timeout, tls: tls, promise: promise)
        } catch {
            promise.fail(error)
        }
        return promise.futureResult
    }

    /// Starts an exchange on the promise's loop (the caller is on it): its deadline runs from now.
    @discardableResult
    private func begin(
        _ request: UpstreamRequest, wholeLimit: Int?, timeout: TimeAmount, tls: NIOSSLContext?,
        promise: EventLoopPromise<UpstreamResponse>
    ) -> UpstreamExchange {
        let exchange = UpstreamExchange(request: request, wholeLimit: wholeLimit, timeout: timeout, promise: promise)
        pool(for: request.endpoint, on: promise.futureResult.eventLoop, tls: tls).send(exchange)
        return exchange
    }

    /// Closes idle connections and refuses new requests; requests in flight finish.
    public func shutdown() async {
        for (loop, pools) in loops.values { try? await loop.submit { pools.shutdown() }.get() }
    }

    private func pool(for endpoint: UpstreamEndpoint, on loop: EventLoop, tls: NIOSSLContext?) -> EndpointPool {
        let pools = loops[ObjectIdentifier(loop)]!.pools
        if let pool = pools.byEndpoint[endpoint] { return pool }
        let pool = EndpointPool(endpoint: endpoint, loop: loop, limit: pools.limit, settings: configuration, tls: tls)
        if pools.isShutDown { pool.shutdown() }
        pools.byEndpoint[endpoint] = pool
        return pool
    }

    /// Built once, on first use of an `https` endpoint: loading the trust roots is slow.
    private func tlsContext() throws -> NIOSSLContext {
        try tls.withLockedValue { context in
            if let context { return context }
            do {
                let made = try NIOSSLContext(configuration: configuration.tls)
                context = made
                return made
            } catch {
                throw UpstreamClientError.protocolError("cannot set up TLS: \(error)")
            }
        }
    }

    // Touched only on its own event loop (`execute` hops there unless already on it).
    final class LoopPools: @unchecked Sendable {
        let limit: Int
        var byEndpoint: [UpstreamEndpoint: EndpointPool] = [:]
        var isShutDown = false

        init(limit: Int) { self.limit = limit }

        func shutdown() {
            isShutDown = true
            for pool in byEndpoint.values { pool.shutdown() }
        }
    }
}
