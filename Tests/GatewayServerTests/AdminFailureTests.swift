import GatewayModel
import GatewayStore
import Logging
import Testing

@testable import GatewayServer

/// Every admin failure is answered through one mapping: the client's mistakes keep their code,
/// an unreachable store is 503, and anything else is 500 with no detail in the answer.
@Suite("Admin failures")
struct AdminFailureTests {
    struct DiskExploded: Error, CustomStringConvertible {
        var description: String { "disk I/O error at /var/lib/gatewayd/state.db" }
    }

    @Test func eachErrorHasItsStatusAndCodeAndNoInternalDetail() throws {
        let fixture = try GatewayFixture()
        defer { fixture.cleanup() }
        let logs = LogCapture()
        let logger = Logger(label: "test", factory: { _ in logs.handler() })
        func failure(_ error: any Error) -> AdminFailure { AdminFailure(error, store: fixture.store, logger: logger) }

        #expect(failure(StoreError.notFound(.team("ghost"))).status == 404)
        #expect(failure(StoreError.notFound(.team("ghost"))).body.error.code == "not_found")
        #expect(failure(StoreError.invalid("bad")).body.error.code == "invalid_request")
        #expect(failure(GatewayAdminError.invalidChangeset([])).status == 422)
        let slow = failure(Deadline.Passed(limit: .seconds(2)))
        #expect(slow.status == 503 && slow.body.error.code == "state_unavailable")
        let unknown = failure(DiskExploded())
        #expect(unknown.status == 500 && unknown.body.error.code == "internal")
        #expect(!unknown.body.error.message.contains("state.db"))
        #expect(logs.text.contains("DiskExploded"))
    }
}
