import GatewayCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// The pass-through with its server written on SwiftNIO directly: the request is forwarded from
/// the loop it arrived on, and the answer written back there, with no task in between.
enum NIOPassthrough {
    static func serve(port: Int, upstream: UpstreamClient, request: UpstreamRequest) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Forward(upstream: upstream, template: request))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        try await channel.closeFuture.get()
    }

    final class Forward: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let upstream: UpstreamClient
        let template: UpstreamRequest
        var body = ByteBuffer()
        var keepAlive = true

        init(upstream: UpstreamClient, template: UpstreamRequest) {
            self.upstream = upstream
            self.template = template
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                keepAlive = head.isKeepAlive
                body.clear()
            case .body(var part):
                body.writeBuffer(&part)
            case .end:
                var request = template
                request.body = body
                let keepAlive = self.keepAlive
                upstream.send(request, on: context.eventLoop, timeout: .seconds(30)).assumeIsolated().whenComplete {
                    result in
                    var head = HTTPResponseHead(version: .http1_1, status: .badGateway)
                    var body = ByteBuffer()
                    if case .success(let answer) = result, let whole = answer.body.whole {
                        head.status = answer.status
                        body = whole
                    }
                    head.headers.add(name: "content-type", value: "application/json")
                    head.headers.add(name: "content-length", value: String(body.readableBytes))
                    context.write(self.wrapOutboundOut(.head(head)), promise: nil)
                    context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                        if !keepAlive { context.close(promise: nil) }
                    }
                }
            }
        }
    }
}
