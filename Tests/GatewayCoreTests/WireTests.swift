import GatewayCore
import GatewayModel
import Testing

@Suite("wire formats")
struct WireTests {
    @Test func eventsSurviveAnyChunking() {
        let wire = Array("event: a\ndata: one\ndata: two\n\n: comment\ndata: [DONE]\r\n\r\n".utf8)
        for size in [1, 2, 3, 7, wire.count] {
            var parser = ServerSentEventParser()
            var events: [ServerSentEvent] = []
            var index = 0
            while index < wire.count {
                events += parser.feed(wire[index..<min(index + size, wire.count)])
                index += size
            }
            #expect(
                events == [ServerSentEvent(event: "a", data: "one\ntwo"), ServerSentEvent(data: "[DONE]")],
                "chunk size \(size)")
        }
    }

    @Test func anOpenAIRequestBecomesAnAnthropicOneWithSystemAndAlternatingRoles() throws {
        let body = try JSON.parse(
            Array(
                #"{"model":"x","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"b"}]},{"role":"assistant","content":"c"}],"stop":"END","max_tokens":50,"stream":true}"#
                    .utf8))
        let request = try AnthropicMessages.request(OpenAIChat.conversation(from: body), model: "claude-x")
        #expect(request["model"]?.string == "claude-x")
        #expect(request["system"]?.string == "be brief")
        #expect(request["max_tokens"]?.int == 50)
        #expect(request["stop_sequences"] == ["END"])
        let messages = request["messages"]?.array ?? []
        #expect(messages.map { $0["role"]?.string } == ["user", "assistant"])
        #expect(messages.first?["content"] == [["type": "text", "text": "a"], ["type": "text", "text": "b"]])
        #expect(request["stream"]?.bool == true)
    }

    @Test func anAnthropicRequestBecomesAnOpenAIOneThatAsksForUsage() throws {
        let body = try JSON.parse(
            Array(
                #"{"model":"x","system":[{"type":"text","text":"sys"}],"messages":[{"role":"user","content":"hi"}],"max_tokens":9,"stream":true}"#
                    .utf8))
        let request = try OpenAIChat.request(
            AnthropicMessages.conversation(from: body), model: "gpt", maxTokensField: "max_completion_tokens")
        #expect(request["messages"]?.array?.first?["role"]?.string == "system")
        #expect(request["max_completion_tokens"]?.int == 9)
        #expect(request["stream_options"]?["include_usage"]?.bool == true)
    }

    @Test func aStreamTranslatedToAnthropicCarriesTheFinishAndUsageThatArriveAfterIt() {
        var encoder = AnthropicMessages.StreamEncoder(model: "m")
        let parts: [StreamPart] = [
            .start(id: "c1", model: "up", inputTokens: nil), .text("Hel"), .text("lo"), .finish(.length),
            .usage(TokenUsage(input: 3, output: 2)), .end,
        ]
        let events = parts.flatMap { encoder.events($0) }
        #expect(
            events.map(\.event) == [
                "message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop",
            ])
        var decoder = AnthropicMessages.StreamDecoder()
        let decoded = events.flatMap { decoder.parts($0) }
        #expect(decoded.contains(.finish(.length)))
        #expect(decoded.contains(.usage(TokenUsage(input: 3, output: 2))))
        #expect(decoded.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined() == "Hello")
    }

    @Test func theMockIsDeterministicAndHonoursMaxTokens() throws {
        let body = try JSON.parse(Array(#"{"messages":[{"role":"user","content":"hello world"}],"max_tokens":2}"#.utf8))
        let first = try MockModel.completion(for: body, model: "mock/echo", id: "1")
        #expect(try first == MockModel.completion(for: body, model: "mock/echo", id: "1"))
        #expect(first.usage.output == 2)
        #expect(first.finish == .length)
        #expect(MockModel.behaviour(of: "error-503") == .error(status: 503))
        #expect(MockModel.behaviour(of: "stall") == .stall)
    }

    @Test func costsAreExactMicroDollarsRoundedUp() {
        let pricing = Pricing(inputPerMTokUSD: 3, outputPerMTokUSD: 15)
        #expect(pricing.costMicroUSD(inputTokens: 1000, outputTokens: 100) == 4500)
        #expect(Pricing(inputPerMTokUSD: 0.1, outputPerMTokUSD: 0).costMicroUSD(inputTokens: 1, outputTokens: 0) == 1)
    }
}
