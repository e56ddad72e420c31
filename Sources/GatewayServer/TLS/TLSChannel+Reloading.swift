import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// A child channel that starts with TLS from ``TLSCertificates``, read per connection, so a
/// reloaded certificate reaches every connection opened after it. (HummingbirdTLS's channel
/// holds one context for the server's life.)
struct ReloadingTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let certificates: TLSCertificates

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = certificates.context
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1, behind TLS from `certificates` when given.
    static func http1(configuration: HTTP1Channel.Configuration, certificates: TLSCertificates?) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            let http = HTTP1Channel(responder: responder, configuration: configuration)
            guard let certificates else { return http }
            return ReloadingTLSChannel(base: http, certificates: certificates)
        }
    }
}
