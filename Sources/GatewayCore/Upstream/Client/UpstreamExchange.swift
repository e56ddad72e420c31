import NIOCore
import NIOHTTP1

/// One request from the moment it is asked for to its answer's last byte. It lives on one event
/// loop: it waits for a connection there, owns the deadline, and carries the answer as it arrives.
final class UpstreamExchange {
    let request: UpstreamRequest
    /// Read the whole body, up to this many bytes, before answering; nil streams the body.
    let wholeLimit: Int?
    /// How long the provider may take to answer; for a streamed body, also the longest pause between parts.
    let timeout: TimeAmount
    let promise: EventLoopPromise<UpstreamResponse>
    var loop: any EventLoop { promise.futureResult.eventLoop }
    private var timer: Scheduled<Void>?
    /// The connection it is sent on, once it has one.
    var connection: UpstreamConnection?
    private(set) var finished = false
    private(set) var retried = false
    /// The answer's head, once it came (a request is only sent again when nothing did).
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()
    private var source: UpstreamBody.Stream.Source?

    init(
        request: UpstreamRequest, wholeLimit: Int?, timeout: TimeAmount, promise: EventLoopPromise<UpstreamResponse>
    ) {
        self.request = request
        self.wholeLimit = wholeLimit
        self.timeout = timeout
        self.promise = promise
        armTimer()
    }

    private func armTimer() {
        timer?.cancel()
        timer = loop.assumeIsolated().scheduleTask(in: timeout) { [self] in fail(.timeout) }
    }

    /// A response head: a streamed answer is handed over now, a whole one once its body is read.
    func received(_ head: HTTPResponseHead) {
        self.head = head
        guard wholeLimit == nil else { return }
        let stream = UpstreamBody.Stream.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 16), finishOnDeinit: false,
            delegate: StreamDemand(exchange: NIOLoopBound(self, eventLoop: loop)))
        source = stream.source
        armTimer()
        promise.succeed(
            UpstreamResponse(status: head.status, headers: head.headers, body: .init(storage: .stream(stream.sequence)))
        )
    }

    /// A part of the body; false when the consumer of a stream wants no more for now.
    func received(_ part: ByteBuffer) -> Bool {
        if let source {
            armTimer()
            return source.yield(part) == .produceMore
        }
        guard let wholeLimit else { return true }
        guard body.readableBytes + part.readableBytes <= wholeLimit else {
            fail(.bodyTooLarge(limit: wholeLimit))
            return true
        }
        var part = part
        if body.readableBytes == 0 { body = part } else { body.writeBuffer(&part) }
        return true
    }

    /// The body's end: the exchange is over and its connection free.
    func receivedEnd() {
        guard !finished else { return }
        finished = true
        timer?.cancel()
        connection = nil
        if let source {
            source.finish()
        } else if let head {
            promise.succeed(
                UpstreamResponse(status: head.status, headers: head.headers, body: .init(storage: .whole(body))))
        }
    }

    /// Ends the exchange with `error`: the caller's wait fails, or the stream it reads does. The
    /// connection it was on is closed, since an answer was cut off on it.
    func fail(_ error: UpstreamClientError) {
        guard !finished else { return }
        finished = true
        timer?.cancel()
        if let source {
            source.finish(error)
        } else {
            promise.fail(error)
        }
        let connection = self.connection
        self.connection = nil
        connection?.abandon(self)
    }

    /// The consumer of the streamed body caught up: its connection may read again.
    func consumerWantsMore() {
        connection?.resumeReading()
    }

    /// The consumer of the streamed body stopped before its end: the rest is not wanted, and the
    /// connection, cut off mid-body, closes. (After the end this does nothing: the connection
    /// may already carry another exchange.)
    func consumerStopped() {
        fail(.cancelled)
    }

    /// Detaches from a connection that closed before any of the answer came, to be sent again once.
    func prepareRetry() -> Bool {
        guard !retried, head == nil, !finished else { return false }
        retried = true
        connection = nil
        return true
    }
}
