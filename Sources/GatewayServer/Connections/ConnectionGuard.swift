import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Enforces ``ConnectionLimits`` on one client connection: it sits after HTTP parsing, so it sees
/// each request's head, body parts and end, and each response's end.
///
/// One deadline at a time: from accept to the first head (`headerTimeout`), between body parts
/// (`bodyTimeout`), and from a response's end to the next head (`idleTimeout`). While gatewayd
/// works on a request (read, not yet answered) none holds: a long stream is not idle. When a
/// deadline passes the connection is closed; a half-sent header cannot be answered in HTTP.
///
/// A request moves the deadline four times, and scheduling and cancelling an event-loop task
/// each time was measurable under load (docs/architecture.md, "Fast paths"). So a move only
/// stores the new deadline; one timer per connection fires at the deadline or after the shortest
/// timeout, whichever is first, and sets itself again for a deadline that has moved. A timer set
/// no later than the shortest timeout from now is never later than a deadline set after it, so a
/// moved deadline never needs the timer rescheduled.
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
    /// When the connection is closed unless something happens first; nil while a request is worked on.
    private var deadline: NIODeadline?
    /// The one timer, and when it fires.
    private var timer: (task: Scheduled<Void>, fires: NIODeadline)?

    init(limits: ConnectionLimits, connections: OpenConnections) {
        self.limits = limits
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { opened(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimer()
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
        stopTimer()
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
            // No deadline while the request is worked on; the timer, if set, finds none when it fires.
            deadline = nil
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
        stopTimer()
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
        let now = NIODeadline.now()
        deadline = now + Self.timeAmount(delay)
        armTimer(context, now: now)
    }

    /// Sets the timer for the deadline, or for the shortest timeout from now if that is sooner,
    /// unless one set earlier already fires before the deadline.
    private func armTimer(_ context: ChannelHandlerContext, now: NIODeadline) {
        guard let deadline else { return }
        if let timer {
            guard timer.fires > deadline else { return }
            timer.task.cancel()
        }
        let fires = min(deadline, now + shortest)
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: fires) { [weak self] in
            guard let self else { return }
            self.timer = nil
            guard let deadline = self.deadline else { return }
            let now = NIODeadline.now()
            if now >= deadline {
                context.close(promise: nil)
            } else {
                self.armTimer(context, now: now)
            }
        }
        timer = (task, fires)
    }

    /// The shortest of the three timeouts: how far ahead the timer is ever set.
    private var shortest: TimeAmount {
        Self.timeAmount(min(limits.headerTimeout, limits.bodyTimeout, limits.idleTimeout))
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// The connection is gone: the timer goes too.
    private func stopTimer() {
        deadline = nil
        timer?.task.cancel()
        timer = nil
    }
}
