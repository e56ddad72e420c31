import Foundation
import GatewayServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `GET /metrics`: after known traffic, every counter says exactly what happened, and a scrape
/// needs an admin token.
@Suite("Metrics")
struct MetricsTests {
    /// The value of the series `name{labels}` in a scrape, nil when there is none.
    static func value(_ scrape: String, _ series: String) -> Double? {
        for line in scrape.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func aScrapeCountsTheTrafficExactly() async throws {
        try await PreparedGateway.test { gateway, client in
            let headers = gateway.headers
            let key = gateway.key
            let chat = #"{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}"#
            for _ in 0..<3 {
                try await client.execute(
                    uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: chat)
                ) { #expect($0.status == .ok) }
            }
            let streamed =
                #"{"model":"mock/echo","stream":true,"max_tokens":8,"messages":[{"role":"user","content":"hi"}]}"#
            try await client.execute(
                uri: "/v1/messages", method: .post, headers: headers, body: ByteBuffer(string: streamed)
            ) { #expect($0.status == .ok) }
            var stranger = headers
            stranger[.authorization] = "Bearer gw_not_a_key_of_this_gateway_000000000000"
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/v1/chat/completions", method: .post, headers: stranger, body: ByteBuffer(string: chat)
                ) { #expect($0.status == .unauthorized) }
            }
            let unknownModel = #"{"model":"mock/made-up-1","messages":[{"role":"user","content":"hi"}]}"#
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: unknownModel)
            ) { #expect($0.status != .ok) }

            var writer = HTTPFields()
            writer[.authorization] = "Bearer \(GatewayFixture.writerToken)"
            writer[.contentType] = "application/json"
            let stale = #"{"operations":[{"op":"delete","target":{"kind":"team","name":"ghost"},"ifRevision":3}]}"#
            try await client.execute(
                uri: "/admin/v1/changesets", method: .post, headers: writer, body: ByteBuffer(string: stale)
            ) { #expect($0.status != .ok) }

            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized, "a scrape shows every team's traffic: it needs a token")
            }
            var reader = HTTPFields()
            reader[.authorization] = "Bearer \(GatewayFixture.readerToken)"
            try await client.execute(uri: "/metrics", method: .get, headers: reader) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let scrape = String(buffer: response.body)
                let served =
                    #"route="chat_completions",team="payments",model="mock/echo",provider="mock",credential="system",code="200""#
                #expect(Self.value(scrape, "gatewayd_requests_total{\(served)}") == 3)
                #expect(
                    Self.value(
                        scrape,
                        #"gatewayd_requests_total{route="messages",team="payments",model="mock/echo",provider="mock",credential="system",code="200"}"#
                    ) == 1)
                #expect(
                    Self.value(
                        scrape,
                        #"gatewayd_requests_total{route="chat_completions",team="none",model="none",provider="none",credential="none",code="401"}"#
                    ) == 2, "refused before the key is known: no team, no model")
                #expect(
                    Self.value(
                        scrape,
                        #"gatewayd_requests_total{route="chat_completions",team="payments",model="mock/made-up-1",provider="none",credential="none",code="404"}"#
                    ) == 1)
                #expect(
                    Self.value(scrape, #"gatewayd_refusals_total{layer="authentication",code="invalid_api_key"}"#) == 2)
                #expect(Self.value(scrape, #"gatewayd_refusals_total{layer="allowlist",code="model_not_found"}"#) == 1)
                #expect(Self.value(scrape, #"gatewayd_upstream_duration_seconds_count{provider="mock"}"#) == 4)
                #expect(Self.value(scrape, #"gatewayd_time_to_first_token_seconds_count{provider="mock"}"#) == 1)
                #expect(Self.value(scrape, #"gatewayd_changesets_total{outcome="refused"}"#) == 1)
                #expect(Self.value(scrape, "gatewayd_state_revision") == 1)
                #expect(scrape.contains("# TYPE gatewayd_requests_total counter"))
                #expect(!scrape.contains(key), "a key's secret is never in a scrape")
                #expect(!scrape.contains("checkout"), "keys are not a label")
            }
        }
    }
}
