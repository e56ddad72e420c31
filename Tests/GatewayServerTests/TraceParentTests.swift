import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import GatewayServer

/// The trace id gatewayd logs comes only from a well-formed W3C `traceparent`.
@Suite("traceparent")
struct TraceParentTests {
    @Test func aWellFormedHeaderGivesItsTraceID() {
        #expect(
            TraceParent.traceID("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                == "0af7651916cd43dd8448eb211c80319c")
        #expect(
            TraceParent.traceID("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-extra")
                == "0af7651916cd43dd8448eb211c80319c", "a later version may append fields")
    }

    @Test(
        "a malformed header is treated as absent",
        arguments: [
            "", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
            "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
            "00-00000000000000000000000000000000-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
            "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
            "00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01",
        ])
    func malformed(value: String) {
        #expect(TraceParent.traceID(value) == nil)
    }

    @Test func theRequestsLogLineCarriesTheTraceID() async throws {
        try await PreparedGateway.test { gateway, client in
            var headers = gateway.headers
            headers[TraceParent.name] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            let chat = #"{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}"#
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: chat)
            ) { #expect($0.status == .ok) }
            let served = gateway.fixture.logs.text.split(separator: "\n").filter { $0.contains("served") }
            #expect(served.count == 1)
            #expect(served.first?.contains("4bf92f3577b34da6a3ce929d0e0e4736") == true)
            #expect(served.first?.contains("requestId") == true)
        }
    }
}
