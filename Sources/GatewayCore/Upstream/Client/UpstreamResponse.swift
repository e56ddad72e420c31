import NIOCore
import NIOHTTP1

/// A provider's answer: status and headers, and a body either already read or still arriving.
public struct UpstreamResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: UpstreamBody
}

/// The body of an answer, read as a sequence of buffers.
///
/// An answer asked for whole arrives as one buffer. A streamed one is read from the connection
/// as the consumer asks for it: when the consumer falls behind, the connection stops reading, so
/// a slow client holds back the provider instead of filling the gateway's memory.
public struct UpstreamBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    typealias Stream = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, StreamDemand
    >

    enum Storage: Sendable {
        case whole(ByteBuffer)
        case stream(Stream)
    }

    let storage: Storage

    /// The body, when it was read whole.
    public var whole: ByteBuffer? {
        if case .whole(let buffer) = storage { return buffer }
        return nil
    }

    /// Reads the rest of the body, failing once it passes `limit` bytes.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        switch storage {
        case .whole(let buffer):
            guard buffer.readableBytes <= limit else { throw UpstreamClientError.bodyTooLarge(limit: limit) }
            return buffer
        case .stream:
            var collected = ByteBuffer()
            for try await var part in self {
                guard collected.readableBytes + part.readableBytes <= limit else {
                    throw UpstreamClientError.bodyTooLarge(limit: limit)
                }
                collected.writeBuffer(&part)
            }
            return collected
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch storage {
        case .whole(let buffer): return AsyncIterator(whole: buffer)
        case .stream(let stream): return AsyncIterator(stream: stream.makeAsyncIterator())
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var whole: ByteBuffer?
        var stream: Stream.AsyncIterator?

        init(whole: ByteBuffer) { self.whole = whole }
        init(stream: Stream.AsyncIterator) { self.stream = stream }

        public mutating func next() async throws -> ByteBuffer? {
            if let buffer = whole {
                whole = nil
                return buffer
            }
            return try await stream?.next()
        }
    }
}

/// Tells a streamed exchange when its consumer wants more, or has gone.
struct StreamDemand: NIOAsyncSequenceProducerDelegate {
    let exchange: NIOLoopBound<UpstreamExchange>

    func produceMore() {
        exchange.eventLoop.execute { exchange.value.consumerWantsMore() }
    }

    func didTerminate() {
        exchange.eventLoop.execute { exchange.value.consumerStopped() }
    }
}
