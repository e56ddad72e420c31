import Foundation
import GatewayServer
import GatewayStore
import Hummingbird
import Logging

/// A gatewayd router over `store`, served on a loopback ephemeral port for the length of `body`.
enum LocalGateway {
    static let token = "gwadm_bench"

    static func with(_ store: any GatewayStore, _ body: @Sendable (URL) async throws -> Void) async throws {
        var tokens = AdminTokens()
        tokens.add(name: "bench", role: .writer, token: token)
        var logger = Logger(label: "gwbench")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try GatewayApplication.application(
            store: store, tokens: tokens, configuration: .init(port: 0, maxBodyBytes: 512 << 20), logger: logger,
            onServerRunning: { continuation.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            try await body(URL(string: "http://127.0.0.1:\(port)")!)
            group.cancelAll()
        }
    }
}
