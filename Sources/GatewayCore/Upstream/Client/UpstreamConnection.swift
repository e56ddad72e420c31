import NIOCore
import NIOHTTP1

/// One keep-alive HTTP/1.1 connection to a provider, on one event loop, carrying one exchange at
/// a time. When an answer ends cleanly it goes back to its pool; when one is cut off it closes.
final class UpstreamConnection: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private let pool: EndpointPool
    private var context: ChannelHandlerContext?
    private var exchange: UpstreamExchange?
    /// Whether an exchange was carried before the current one: only then can the provider have
    /// closed it while it sat idle.
    private(set) var reused = false
    var idleSince = NIODeadline.now()
    private var keepAlive = true
    /// The consumer of a streamed body is behind: reads wait until it catches up.
    private var paused = false
    private var readWaiting = false

    init(pool: EndpointPool) { self.pool = pool }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    var isActive: Bool { context?.channel.isActive ?? false }

    func close() { context?.close(promise: nil) }

    /// Sends `exchange`'s request on this connection.
    func start(_ exchange: UpstreamExchange) {
        // The pool hands out only active connections, and this runs on their loop at once.
        guard let context, context.channel.isActive else { return exchange.fail(.connectionClosed) }
        self.exchange = exchange
        exchange.connection = self
        keepAlive = true
        context.write(wrapOutboundOut(.head(exchange.request.head)), promise: nil)
        if exchange.request.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(exchange.request.body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Bytes with no exchange to take them (the rest of an answer already given up on, or an
        // answer nobody asked for): the connection is out of step and is not used again.
        guard let exchange else { return context.close(promise: nil) }
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
            exchange.received(head)
        case .body(let part):
            if !exchange.received(part) { paused = true }
        case .end:
            self.exchange = nil
            reused = true
            resumeReading()
            exchange.receivedEnd()
            if keepAlive, context.channel.isActive {
                idleSince = .now()
                pool.release(self)
            } else {
                context.close(promise: nil)
            }
        }
    }

    func read(context: ChannelHandlerContext) {
        if paused {
            readWaiting = true
        } else {
            context.read()
        }
    }

    /// Reads again after a pause for a slow consumer (or once its exchange is over).
    func resumeReading() {
        paused = false
        if readWaiting, let context {
            readWaiting = false
            context.read()
        }
    }

    /// Called by an exchange that failed while on this connection.
    func abandon(_ failed: UpstreamExchange) {
        guard exchange === failed else { return }
        exchange = nil
        context?.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let exchange = self.exchange
        self.exchange = nil
        pool.closed(self, carrying: exchange)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let exchange = self.exchange
        self.exchange = nil
        exchange?.fail(.protocolError("the provider's answer could not be read: \(error)"))
        context.close(promise: nil)
    }
}
