import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A provider stand-in for the client's tests: an HTTP/1.1 server on 127.0.0.1 with an ephemeral
/// port whose every answer is chosen by a script, told which connection and which request on it.
final class ScriptedUpstream: Sendable {
    enum Answer: Sendable {
        case json(String)
        /// Body parts sent with a pause between them.
        case parts([String], pause: TimeAmount)
        /// The first part at once, the rest when the test calls `release()`.
        case partsHeldBack([String])
        /// Reads the request and never answers.
        case silence
        /// Reads the request and closes the connection.
        case hangUp
    }

    struct Seen: Sendable {
        var head: HTTPRequestHead
        var body: String
        var connection: Int
        var indexOnConnection: Int
    }

    /// Connections made and open now, the most open at once, and every request read.
    typealias Tally = (connections: Int, open: Int, mostOpen: Int, seen: [Seen])

    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let state = NIOLockedValueBox<Tally>((0, 0, 0, []))
    private let channel: any Channel
    private let held = NIOLockedValueBox<[@Sendable () -> Void]>([])

    /// Sends the parts held back by `.partsHeldBack` answers.
    func release() {
        for send in held.withLockedValue({ list in
            defer { list = [] }; return list
        }) { send() }
    }

    var port: Int { channel.localAddress!.port! }
    var seen: [Seen] { state.withLockedValue { $0.seen } }
    var connections: Int { state.withLockedValue { $0.connections } }
    var mostOpenAtOnce: Int { state.withLockedValue { $0.mostOpen } }
    var openConnections: Int { state.withLockedValue { $0.open } }

    /// With `tls`, the server speaks HTTPS.
    init(tls: NIOSSLContext? = nil, _ script: @escaping @Sendable (Seen) -> Answer) async throws {
        let state = self.state
        let held = self.held
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = state.withLockedValue {
                    $0.connections += 1
                    $0.open += 1
                    $0.mostOpen = max($0.mostOpen, $0.open)
                    return $0.connections
                }
                channel.closeFuture.whenComplete { _ in state.withLockedValue { $0.open -= 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Responder(connection: number, script: script, state: state, held: held))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let connection: Int
        let script: @Sendable (Seen) -> Answer
        let state: NIOLockedValueBox<Tally>
        var head: HTTPRequestHead?
        var body = ""
        var index = 0
        let held: NIOLockedValueBox<[@Sendable () -> Void]>

        init(
            connection: Int, script: @escaping @Sendable (Seen) -> Answer,
            state: NIOLockedValueBox<Tally>,
            held: NIOLockedValueBox<[@Sendable () -> Void]>
        ) {
            self.connection = connection
            self.script = script
            self.state = state
            self.held = held
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = ""
            case .body(let part):
                body += String(buffer: part)
            case .end:
                index += 1
                let seen = Seen(head: head!, body: body, connection: connection, indexOnConnection: index)
                state.withLockedValue { $0.seen.append(seen) }
                answer(script(seen), context: context)
            }
        }

        private func answer(_ answer: Answer, context: ChannelHandlerContext) {
            switch answer {
            case .silence:
                break
            case .hangUp:
                context.close(promise: nil)
            case .json(let text):
                var head = HTTPResponseHead(version: .http1_1, status: .ok)
                head.headers.add(name: "content-type", value: "application/json")
                head.headers.add(name: "content-length", value: String(text.utf8.count))
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .parts(let parts, let pause):
                startStream(context: context)
                send(parts[...], pause: pause, context: context)
            case .partsHeldBack(let parts):
                startStream(context: context)
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: parts[0])))), promise: nil)
                let rest = NIOLoopBound((self, context, parts.dropFirst()), eventLoop: context.eventLoop)
                held.withLockedValue {
                    $0.append {
                        rest.eventLoop.execute {
                            let (responder, context, parts) = rest.value
                            responder.send(parts, pause: .zero, context: context)
                        }
                    }
                }
            }
        }

        private func startStream(context: ChannelHandlerContext) {
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "content-type", value: "text/event-stream")
            head.headers.add(name: "transfer-encoding", value: "chunked")
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
        }

        private func send(_ parts: ArraySlice<String>, pause: TimeAmount, context: ChannelHandlerContext) {
            guard let first = parts.first else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: first)))), promise: nil)
            context.eventLoop.assumeIsolated().scheduleTask(in: pause) {
                self.send(parts.dropFirst(), pause: pause, context: context)
            }
        }
    }
}
