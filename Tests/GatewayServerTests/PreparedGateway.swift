import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A gateway with one team and one key on the in-process mock provider, driven in process
/// through its router, for tests of what its traffic does.
struct PreparedGateway: Sendable {
    let fixture: GatewayFixture
    /// The key's secret.
    let key: String

    /// The headers of a data-plane call with the key.
    var headers: HTTPFields { [.authorization: "Bearer \(key)", .contentType: "application/json"] }

    /// Runs `body` against a fresh prepared gateway, then removes its state.
    static func test(_ body: @Sendable (PreparedGateway, any TestClientProtocol) async throws -> Void) async throws {
        let (fixture, key) = try await HostileRequestTests.prepared()
        defer { fixture.cleanup() }
        let gateway = PreparedGateway(fixture: fixture, key: key)
        try await Application(router: try fixture.router()).test(.router) { client in
            try await body(gateway, client)
        }
    }
}
