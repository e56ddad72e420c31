import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Enforces ``ConnectionLimits`` on one client connection: it sits after HTTP parsing, so it sees
/// each request's head, body parts and end, and each response's end.
///
/// One timer at a time: from accept to the first head (`headerTimeout`), between body parts
/// (`bodyTimeout`), and from a response's end to the next head (`idleTimeout`). While gatewayd
/// works on a request (read, not yet answered) none runs: a long stream is not idle. When a timer
/// fires the connection is closed; a half-sent header cannot be answered in HTTP.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private let connections: OpenConnections
    private var counted = false
    private var overCap = false
    private var readingBody = false
    /// Requests whose head was read and whose response has not ended (HTTP pipelining allows several).
    private var unanswered = 0
    private var timer: Scheduled<Void>?

    init(limits: ConnectionLimits, connections: OpenConnections) {
        self.limits = limits
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { opened(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        if counted {
            counted = false
            connections.close()
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        opened(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        if counted {
            counted = false
            connections.close()
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            if overCap {
                refuse(context)
                return
            }
            unanswered += 1
            readingBody = true
            schedule(context, after: limits.bodyTimeout)
        case .body:
            if readingBody { schedule(context, after: limits.bodyTimeout) }
        case .end:
            readingBody = false
            cancelTimer()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(0, unanswered - 1)
            if unanswered == 0, !readingBody { schedule(context, after: limits.idleTimeout) }
        }
        context.write(data, promise: promise)
    }

    private func opened(_ context: ChannelHandlerContext) {
        guard !counted else { return }
        counted = true
        overCap = !connections.open()
        schedule(context, after: limits.headerTimeout)
    }

    /// A connection past the cap gets one clean answer and is closed.
    private func refuse(_ context: ChannelHandlerContext) {
        cancelTimer()
        let body = ByteBuffer(
            string:
                #"{"error":{"message":"gatewayd has as many connections open as it may; retry shortly","type":"api_error","param":null,"code":"overloaded"}}"#
        )
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(body.readableBytes)
        fields[.connection] = "close"
        fields[.retryAfter] = "1"
        context.write(
            wrapOutboundOut(.head(HTTPResponse(status: .serviceUnavailable, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func schedule(_ context: ChannelHandlerContext, after delay: Duration) {
        cancelTimer()
        let nanoseconds = delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) { [weak self] in
            self?.timer = nil
            context.close(promise: nil)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}
