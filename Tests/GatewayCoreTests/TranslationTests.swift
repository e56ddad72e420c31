import GatewayCore
import GatewayModel
import MockUpstream
import Testing

/// Requests and answers carried between OpenAI chat, Anthropic messages and the Responses API,
/// each translated request checked by the strict stand-in's rules (what the real API refuses).
@Suite("translation")
struct TranslationTests {
    static func json(_ text: String) throws -> JSON { try JSON.parse(Array(text.utf8)) }

    static let pngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

    static func toAnthropic(_ text: String) throws -> JSON {
        try AnthropicMessages.request(OpenAIChat.conversation(from: json(text)), model: "claude-x")
    }

    static func toOpenAI(_ text: String) throws -> JSON {
        try OpenAIChat.request(
            AnthropicMessages.conversation(from: json(text)), model: "gpt-x", maxTokensField: "max_completion_tokens")
    }

    @Test func openAIToolsAndChoicesBecomeAnthropicOnes() throws {
        let tools =
            ##""tools":[{"type":"function","function":{"name":"get_weather","description":"w","parameters":{"type":"object","properties":{"city":{"$ref":"#/$defs/city"}},"required":["city"],"$defs":{"city":{"type":"string"}}}}}]"##
        for (choice, expected) in [
            (#""auto""#, #"{"type":"auto"}"#), (#""required""#, #"{"type":"any"}"#), (#""none""#, #"{"type":"none"}"#),
            (#"{"type":"function","function":{"name":"get_weather"}}"#, #"{"type":"tool","name":"get_weather"}"#),
        ] {
            let request = try Self.toAnthropic(
                #"{"model":"m","messages":[{"role":"user","content":"hi"}],"#
                    + tools + #","tool_choice":"# + choice + "}")
            #expect(ProviderRules.anthropicMessages(request) == nil)
            #expect(request["tool_choice"] == (try Self.json(expected)))
            let tool = request["tools"]?.array?.first
            #expect(tool?["name"] == "get_weather")
            #expect(
                tool?["input_schema"]
                    == (try Self.json(
                        ##"{"type":"object","properties":{"city":{"$ref":"#/$defs/city"}},"required":["city"],"$defs":{"city":{"type":"string"}}}"##
                    )))
        }
        let single = try Self.toAnthropic(
            #"{"model":"m","messages":[{"role":"user","content":"hi"}],"# + tools + #","parallel_tool_calls":false}"#)
        #expect(single["tool_choice"] == ["type": "auto", "disable_parallel_tool_use": true])
    }

    @Test func anOpenAIToolTurnBecomesToolUseAndOneUserTurnOfResultsInOrder() throws {
        let request = try Self.toAnthropic(
            #"""
            {"model":"m","messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":"weather in Paris and Rome?"},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":""}}]},
              {"role":"tool","tool_call_id":"call_1","content":"sunny"},
              {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"rain"}]},
              {"role":"developer","content":"answer in French"},
              {"role":"user","content":"and so?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """#)
        #expect(ProviderRules.anthropicMessages(request) == nil, "\(ProviderRules.anthropicMessages(request) ?? "")")
        #expect(request["system"] == "be brief\n\nanswer in French")
        let messages = request["messages"]?.array ?? []
        #expect(messages.map { $0["role"]?.string } == ["user", "assistant", "user"])
        #expect(
            messages[1]["content"]
                == [
                    ["type": "tool_use", "id": "call_1", "name": "get_weather", "input": ["city": "Paris"]],
                    ["type": "tool_use", "id": "call_2", "name": "get_weather", "input": [:]],
                ])
        #expect(
            messages[2]["content"]
                == [
                    ["type": "tool_result", "tool_use_id": "call_1", "content": [["type": "text", "text": "sunny"]]],
                    ["type": "tool_result", "tool_use_id": "call_2", "content": [["type": "text", "text": "rain"]]],
                    ["type": "text", "text": "and so?"],
                ])
    }

    @Test func anAnthropicToolTurnBecomesToolCallsAndToolMessagesBeforeTheText() throws {
        let request = try Self.toOpenAI(
            #"""
            {"model":"m","max_tokens":100,"system":[{"type":"text","text":"sys"}],"messages":[
              {"role":"user","content":"weather?"},
              {"role":"assistant","content":[{"type":"text","text":"checking"},
                {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},
                {"type":"text","text":"thanks"}]}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true},"stop_sequences":["END"]}
            """#)
        #expect(ProviderRules.openAIChat(request) == nil, "\(ProviderRules.openAIChat(request) ?? "")")
        let messages = request["messages"]?.array ?? []
        #expect(messages.map { $0["role"]?.string } == ["system", "user", "assistant", "tool", "user"])
        #expect(messages[2]["content"] == "checking")
        #expect(
            messages[2]["tool_calls"]
                == [
                    [
                        "id": "toolu_1", "type": "function",
                        "function": ["name": "get_weather", "arguments": #"{"city":"Paris"}"#],
                    ]
                ])
        #expect(messages[3] == ["role": "tool", "tool_call_id": "toolu_1", "content": "sunny"])
        #expect(request["tool_choice"] == "required")
        #expect(request["parallel_tool_calls"] == false)
        #expect(request["stop"] == ["END"])
        #expect(request["max_completion_tokens"] == 100)
        #expect(request["tools"]?.array?.first?["function"]?["parameters"] == ["type": "object"])
    }

    @Test func imagesAreCheckedAgainstTheirBytesAndCarriedBothWays() throws {
        // Declared jpg, PNG bytes: Anthropic refuses a media type that disagrees with the bytes.
        let request = try Self.toAnthropic(
            #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"what is it?"},"#
                + #"{"type":"image_url","image_url":{"url":"data:image/jpg;base64,\#(Self.pngBase64)","detail":"high"}},"#
                + #"{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}"#)
        #expect(ProviderRules.anthropicMessages(request) == nil)
        let content = request["messages"]?.array?.first?["content"]?.array ?? []
        #expect(content[1]["source"] == ["type": "base64", "media_type": "image/png", "data": .string(Self.pngBase64)])
        #expect(content[2]["source"] == ["type": "url", "url": "https://example.com/cat.png"])

        let back = try Self.toOpenAI(
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"\#(Self.pngBase64)"}}]}]}"#
        )
        #expect(ProviderRules.openAIChat(back) == nil)
        #expect(
            back["messages"]?.array?.first?["content"]
                == [["type": "image_url", "image_url": ["url": .string("data:image/png;base64," + Self.pngBase64)]]])
    }

    /// Each of these would be dropped by a lossy gateway; here each is refused, naming the part.
    @Test(arguments: [
        (
            #"{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]}]}"#,
            "input_audio"
        ),
        (#"{"model":"m","n":2,"messages":[{"role":"user","content":"hi"}]}"#, "n"),
        (#"{"model":"m","seed":7,"messages":[{"role":"user","content":"hi"}]}"#, "seed"),
        (#"{"model":"m","logprobs":true,"messages":[{"role":"user","content":"hi"}]}"#, "logprobs"),
        (
            #"{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"custom","custom":{"name":"x"}}]}"#,
            "tools[0]"
        ),
        (
            #"{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}"#,
            "response_format"
        ),
        (
            #"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/tiff;base64,SUkqAA=="}}]}]}"#,
            "messages[0].content[0]"
        ),
    ])
    func anOpenAIPartAnthropicCannotCarryIsRefused(body: String, part: String) throws {
        do {
            _ = try Self.toAnthropic(body)
            Issue.record("translated \(body)")
        } catch let problem as Untranslatable {
            #expect(problem.kind == .unsupported)
            #expect(problem.part.contains(part), "\(problem)")
        }
    }

    @Test(arguments: [
        (#"{"model":"m","max_tokens":5,"top_k":5,"messages":[{"role":"user","content":"hi"}]}"#, "top_k"),
        (
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]}"#,
            "tools[0]"
        ),
        (
            #"{"model":"m","max_tokens":5,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"hi"}]}"#,
            "thinking"
        ),
        (
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}]}]}"#,
            "messages[0]"
        ),
    ])
    func anAnthropicPartOpenAICannotCarryIsRefused(body: String, part: String) throws {
        do {
            _ = try Self.toOpenAI(body)
            Issue.record("translated \(body)")
        } catch let problem as Untranslatable {
            #expect(problem.kind == .unsupported)
            #expect(problem.part.contains(part), "\(problem)")
        }
    }

    @Test func structuredOutputUsesEachProvidersNativeField() throws {
        let schema = #"{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}"#
        let anthropic = try Self.toAnthropic(
            #"{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":\#(schema),"strict":true}}}"#
        )
        #expect(anthropic["output_config"] == ["format": ["type": "json_schema", "schema": try Self.json(schema)]])
        let openAI = try Self.toOpenAI(
            #"{"model":"m","max_tokens":9,"messages":[{"role":"user","content":"hi"}],"output_config":{"format":{"type":"json_schema","schema":\#(schema)}}}"#
        )
        #expect(openAI["response_format"]?["json_schema"]?["schema"] == (try Self.json(schema)))
    }

    @Test func finishReasonsAndCachedUsageCrossBothWays() throws {
        let anthropic = try Self.json(
            #"{"id":"msg_1","model":"c","content":[{"type":"text","text":"let me check"},{"type":"tool_use","id":"toolu_9","name":"f","input":{"x":1}}],"stop_reason":"tool_use","usage":{"input_tokens":10,"cache_read_input_tokens":90,"cache_creation_input_tokens":5,"output_tokens":7}}"#
        )
        let openAI = OpenAIChat.response(AnthropicMessages.completion(from: anthropic))
        let choice = openAI["choices"]?.array?.first
        #expect(choice?["finish_reason"] == "tool_calls")
        #expect(choice?["message"]?["content"] == "let me check")
        #expect(
            choice?["message"]?["tool_calls"]
                == [["id": "toolu_9", "type": "function", "function": ["name": "f", "arguments": #"{"x":1}"#]]])
        #expect(openAI["usage"]?["prompt_tokens"] == 105)
        #expect(openAI["usage"]?["prompt_tokens_details"]?["cached_tokens"] == 90)

        for (openAIReason, anthropicReason) in [
            ("stop", "end_turn"), ("length", "max_tokens"), ("tool_calls", "tool_use"), ("content_filter", "refusal"),
        ] {
            let response = try Self.json(
                #"{"id":"c","model":"g","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"\#(openAIReason)"}],"usage":{"prompt_tokens":100,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":60}}}"#
            )
            let message = AnthropicMessages.response(OpenAIChat.completion(from: response))
            #expect(message["stop_reason"]?.string == anthropicReason)
            #expect(message["usage"]?["input_tokens"] == 40)
            #expect(message["usage"]?["cache_read_input_tokens"] == 60)
        }
    }

    @Test func anAnthropicStreamWithAToolCallBecomesOpenAIChunks() throws {
        let events = [
            #"{"type":"message_start","message":{"id":"msg_1","model":"c","usage":{"input_tokens":12,"output_tokens":1}}}"#,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}}"#,
            #"{"type":"content_block_stop","index":0}"#,
            #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}"#,
            #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"x\":"}}"#,
            #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"1}"}}"#,
            #"{"type":"content_block_stop","index":1}"#,
            #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}"#,
            #"{"type":"message_stop"}"#,
        ].map { ServerSentEvent(data: $0) }
        var decoder = ChatStreamDecoder(format: .anthropic)
        var encoder = ChatStreamEncoder(format: .openAI, model: "anthropic/c", includeUsage: true)
        let chunks = try events.flatMap { decoder.parts($0) }.flatMap { encoder.events($0) }
            .filter { $0.data != "[DONE]" }.map { try Self.json($0.data) }
        let deltas = chunks.compactMap { $0["choices"]?.array?.first?["delta"] }
        let calls = deltas.compactMap { $0["tool_calls"]?.array?.first }
        // The tool call's index counts tool calls (0), not Anthropic's content blocks (1).
        #expect(
            calls.first == [
                "index": 0, "id": "toolu_1", "type": "function", "function": ["name": "f", "arguments": ""],
            ])
        #expect(calls.dropFirst().compactMap { $0["function"]?["arguments"]?.string }.joined() == #"{"x":1}"#)
        #expect(calls.dropFirst().allSatisfy { $0["id"] == nil && $0["index"] == 0 })
        #expect(deltas.compactMap { $0["content"]?.string }.joined() == "Checking.")
        #expect(chunks.compactMap { $0["choices"]?.array?.first?["finish_reason"]?.string } == ["tool_calls"])
        #expect(chunks.last?["usage"]?["prompt_tokens"] == 12)
        #expect(chunks.last?["usage"]?["completion_tokens"] == 9)
    }

    @Test func anOpenAIStreamWithTwoToolCallsBecomesAnthropicBlocksInOrder() throws {
        let chunks = [
            #"{"id":"c1","model":"g","choices":[{"index":0,"delta":{"role":"assistant","content":"On it."}}]}"#,
            #"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":"{\"x\""}}]}}]}"#,
            #"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]}"#,
            #"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"g","arguments":"{}"}}]}}]}"#,
            #"{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            #"{"id":"c1","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":6}}"#, "[DONE]",
        ].map { ServerSentEvent(data: $0) }
        var decoder = ChatStreamDecoder(format: .openAI)
        var encoder = ChatStreamEncoder(format: .anthropic, model: "openai/g", includeUsage: false)
        let events = chunks.flatMap { decoder.parts($0) }.flatMap { encoder.events($0) }
        #expect(
            events.map(\.event) == [
                "message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
            ])
        let bodies = try events.map { try Self.json($0.data) }
        #expect(bodies[4]["content_block"] == ["type": "tool_use", "id": "call_a", "name": "f", "input": [:]])
        #expect(bodies[4]["index"] == 1)
        #expect(bodies[8]["content_block"]?["id"] == "call_b")
        #expect(bodies[11]["delta"]?["stop_reason"] == "tool_use")
        #expect(bodies[11]["usage"]?["output_tokens"] == 6)
        // The whole stream, replayed by a reader of Anthropic's stream, gives back both calls.
        var reader = ChatStreamDecoder(format: .anthropic)
        let parts = events.flatMap { reader.parts($0) }
        #expect(parts.contains(.toolCall(index: 1, id: "call_b", name: "g")))
    }

    @Test func aResponsesRequestBecomesAValidAnthropicRequest() throws {
        let body = try Self.json(
            #"""
            {"model":"m","instructions":"be brief","input":[
              {"role":"user","content":[{"type":"input_text","text":"weather?"}]},
              {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
              {"type":"function_call_output","call_id":"call_1","output":"sunny"}],
             "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"},"strict":false}],
             "max_output_tokens":64,"store":false,"text":{"format":{"type":"text"}}}
            """#)
        let request = try AnthropicMessages.request(ResponsesAPI.conversation(from: body), model: "claude-x")
        #expect(ProviderRules.anthropicMessages(request) == nil, "\(ProviderRules.anthropicMessages(request) ?? "")")
        #expect(request["system"] == "be brief")
        #expect(request["max_tokens"] == 64)
        #expect(request["messages"]?.array?.map { $0["role"]?.string } == ["user", "assistant", "user"])
        #expect(throws: Untranslatable.self) {
            try ResponsesAPI.conversation(
                from: Self.json(#"{"model":"m","input":"hi","previous_response_id":"resp_1"}"#))
        }
        #expect(throws: Untranslatable.self) {
            try ResponsesAPI.conversation(
                from: Self.json(#"{"model":"m","input":"hi","tools":[{"type":"web_search"}]}"#))
        }
    }

    @Test func aResponsesStreamNumbersEveryEventAndEndsWithCompleted() throws {
        var encoder = ChatStreamEncoder(format: .responses, model: "m", includeUsage: false)
        let parts: [StreamPart] = [
            .start(id: "abc", model: "up", inputTokens: 5), .text("Hel"), .text("lo"),
            .toolCall(index: 0, id: "call_1", name: "f"), .toolArguments(index: 0, "{}"), .finish(.toolCalls),
            .usage(TokenUsage(input: 5, output: 3)), .end,
        ]
        let events = parts.flatMap { encoder.events($0) }
        let bodies = try events.map { try Self.json($0.data) }
        #expect(bodies.map { $0["sequence_number"]?.int } == Array(0..<bodies.count))
        #expect(
            events.map(\.event) == [
                "response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed",
            ])
        let final = bodies.last?["response"]
        #expect(final?["status"] == "completed")
        #expect(final?["output"]?.array?.map { $0["type"]?.string } == ["message", "function_call"])
        #expect(final?["output"]?.array?.first?["content"]?.array?.first?["text"] == "Hello")
        #expect(final?["usage"]?["total_tokens"] == 8)
    }

    /// Thinking with its signature survives an OpenAI client's tool turn, so multi-turn tool use
    /// with thinking does not break: the answer carries `thinking_blocks`, and sent back they
    /// come before the tool call again.
    @Test func thinkingSurvivesAToolTurnThroughAnOpenAIClient() throws {
        let answer = try Self.json(
            #"{"id":"msg_1","model":"c","content":[{"type":"thinking","thinking":"need the weather","signature":"sig-123"},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],"stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":9}}"#
        )
        let openAI = OpenAIChat.response(AnthropicMessages.completion(from: answer))
        let message = try #require(openAI["choices"]?.array?.first?["message"])
        #expect(
            message["thinking_blocks"] == [
                ["type": "thinking", "thinking": "need the weather", "signature": "sig-123"]
            ])
        var assistant = message
        assistant["reasoning_content"] = nil
        let next: JSON = [
            "model": "m",
            "messages": [
                ["role": "user", "content": "weather?"], assistant,
                ["role": "tool", "tool_call_id": "toolu_1", "content": "sunny"],
            ],
        ]
        let request = try AnthropicMessages.request(OpenAIChat.conversation(from: next), model: "claude-x")
        #expect(ProviderRules.anthropicMessages(request) == nil, "\(ProviderRules.anthropicMessages(request) ?? "")")
        let blocks = request["messages"]?.array?[1]["content"]?.array ?? []
        #expect(blocks.map { $0["type"]?.string } == ["thinking", "tool_use"])
        #expect(blocks.first?["signature"] == "sig-123")
    }

    /// A provider's mid-stream error, or a stream that stops before its finish, reaches the client
    /// as its format's error event, never as a complete answer.
    @Test func aStreamThatBreaksIsAnErrorForTheClientNotACompleteAnswer() throws {
        let start = ServerSentEvent(
            data: #"{"type":"message_start","message":{"id":"msg_1","model":"c","usage":{"input_tokens":3}}}"#)
        let error = ServerSentEvent(
            event: "error", data: #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#)
        var decoder = ChatStreamDecoder(format: .anthropic)
        var encoder = ChatStreamEncoder(format: .openAI, model: "m", includeUsage: true)
        let chunks = [start, error].flatMap { decoder.parts($0) }.flatMap { encoder.events($0) }
        #expect(try Self.json(chunks.last!.data)["error"]?["message"] == "Overloaded")
        #expect(!chunks.contains { $0.data == "[DONE]" })
        #expect(decoder.finish().isEmpty)

        // OpenAI upstream closed after some text, with no finish reason: an Anthropic error event.
        var openAI = ChatStreamDecoder(format: .openAI)
        var anthropic = ChatStreamEncoder(format: .anthropic, model: "m", includeUsage: false)
        let text = ServerSentEvent(data: #"{"id":"c","choices":[{"index":0,"delta":{"content":"Hel"}}]}"#)
        let cut = (openAI.parts(text) + openAI.finish()).flatMap { anthropic.events($0) }
        #expect(cut.map(\.event).last == "error")
        #expect(!cut.contains { $0.event == "message_stop" })

        // With its finish reason given, a stream without [DONE] is complete.
        var finished = ChatStreamDecoder(format: .openAI)
        let done = ServerSentEvent(data: #"{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#)
        #expect((finished.parts(text) + finished.parts(done) + finished.finish()).last == .end)
    }
}
