import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import GatewayServer

/// What escapes a handler becomes the stable error shape; what is not the client's fault is a 500
/// whose detail reaches the log and never the answer.
@Suite("Error middleware")
struct ErrorMiddlewareTests {
    struct StoreExploded: Error, CustomStringConvertible {
        var description: String { "disk I/O error at /var/lib/gatewayd/state.db (SQLITE_IOERR 10)" }
    }

    /// A router with the middleware in front of routes that throw.
    static func application(logs: LogCapture) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        router.get("/exploding") { _, _ -> String in throw StoreExploded() }
        router.get("/large") { _, _ -> String in throw HTTPError(.contentTooLarge) }
        let logger = Logger(label: "test", factory: { _ in logs.handler() })
        return Application(router: router, logger: logger)
    }

    static func code(_ response: TestResponse) throws -> String? {
        let body = try JSONDecoder().decode([String: [String: String]].self, from: Data(buffer: response.body))
        return body["error"]?["code"]
    }

    @Test func anUnknownErrorIs500InternalWithItsDetailInTheLogOnly() async throws {
        let logs = LogCapture()
        try await Self.application(logs: logs).test(.router) { client in
            try await client.execute(uri: "/exploding", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect((try? Self.code(response)) == "internal")
                let text = String(buffer: response.body)
                #expect(text.contains("the gateway could not complete the request"))
                #expect(!text.contains("state.db") && !text.contains("SQLITE"))
            }
        }
        #expect(logs.text.contains("SQLITE_IOERR"))
        #expect(logs.text.contains("/exploding"))
    }

    @Test func theClientsMistakesKeepTheirStatusAndCodeAndAreNotLoggedAsErrors() async throws {
        let logs = LogCapture()
        try await Self.application(logs: logs).test(.router) { client in
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect((try? Self.code(response)) == "not_found")
            }
            try await client.execute(uri: "/large", method: .get) { response in
                #expect(response.status == .contentTooLarge)
                #expect((try? Self.code(response)) == "body_too_large")
            }
        }
        #expect(!logs.text.contains("request failed"))
    }
}
