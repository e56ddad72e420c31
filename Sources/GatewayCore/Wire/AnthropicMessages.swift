import GatewayModel

/// The Anthropic messages format: responses and stream events to and from neither format.
/// Requests are in `AnthropicMessages+Conversation.swift`.
public enum AnthropicMessages {
    /// The `max_tokens` Anthropic requires when an OpenAI request gives none.
    public static let defaultMaxTokens = 4096

    /// The completion in an Anthropic response.
    public static func completion(from response: JSON) -> Completion {
        var blocks: [ContentBlock] = []
        for block in response["content"]?.array ?? [] {
            switch block["type"]?.string {
            case "text":
                if let text = block["text"]?.string, !text.isEmpty { blocks.append(.text(text)) }
            case "tool_use":
                let input = block["input"] ?? .object([:])
                blocks.append(
                    .toolCall(
                        id: block["id"]?.string ?? "", name: block["name"]?.string ?? "",
                        arguments: String(decoding: input.encoded(), as: UTF8.self)))
            case "thinking":
                blocks.append(
                    .thinking(block["thinking"]?.string ?? "", signature: block["signature"]?.string ?? ""))
            case "redacted_thinking":
                blocks.append(.redactedThinking(block["data"]?.string ?? ""))
            default: continue
            }
        }
        return Completion(
            id: response["id"]?.string ?? "msg_gateway", model: response["model"]?.string ?? "", blocks: blocks,
            finish: FinishReason(anthropic: response["stop_reason"]?.string),
            usage: usage(in: response) ?? TokenUsage(input: 0, output: 0))
    }

    /// `usage` of a response or `message_start`, with cache reads and writes counted in `input`.
    public static func usage(in body: JSON) -> TokenUsage? {
        guard let usage = body["usage"], usage.object != nil else { return nil }
        let read = usage["cache_read_input_tokens"]?.int ?? 0
        let write = usage["cache_creation_input_tokens"]?.int ?? 0
        return TokenUsage(
            input: (usage["input_tokens"]?.int ?? 0) + read + write, output: usage["output_tokens"]?.int ?? 0,
            cacheRead: read, cacheWrite: write)
    }

    static func usageObject(_ usage: TokenUsage) -> JSON {
        [
            "input_tokens": .int(usage.uncachedInput), "output_tokens": .int(usage.output),
            "cache_read_input_tokens": .int(usage.cacheRead), "cache_creation_input_tokens": .int(usage.cacheWrite),
        ]
    }

    /// A messages response. Tool calls whose arguments are not a JSON object (a provider's
    /// fault) carry them as `{"arguments": "<text>"}` rather than losing them.
    public static func response(_ completion: Completion) -> JSON {
        let content: [JSON] = completion.blocks.compactMap { block in
            switch block {
            case .text(let text, _): return ["type": "text", "text": .string(text)]
            case .toolCall(let id, let name, let arguments):
                return ["type": "tool_use", "id": .string(id), "name": .string(name), "input": input(of: arguments)]
            case .thinking(let text, let signature):
                return ["type": "thinking", "thinking": .string(text), "signature": .string(signature)]
            case .redactedThinking(let data): return ["type": "redacted_thinking", "data": .string(data)]
            default: return nil
            }
        }
        return [
            "id": .string(completion.id), "type": "message", "role": "assistant", "model": .string(completion.model),
            "content": .array(content), "stop_reason": .string(completion.finish.anthropic), "stop_sequence": nil,
            "usage": usageObject(completion.usage),
        ]
    }

    static func input(of arguments: String) -> JSON {
        if arguments.allSatisfy(\.isWhitespace) { return .object([:]) }
        if let parsed = try? JSON.parse(Array(arguments.utf8)), parsed.object != nil { return parsed }
        return ["arguments": .string(arguments)]
    }

    /// Reads Anthropic stream events as stream parts.
    public struct StreamDecoder: Sendable {
        private var usage = TokenUsage(input: 0, output: 0)
        private var toolCalls = 0
        private var ended = false
        private var started = false
        private var finished = false

        public init() {}

        public mutating func parts(_ event: ServerSentEvent) -> [StreamPart] {
            guard let body = try? JSON.parse(Array(event.data.utf8)) else { return [] }
            switch body["type"]?.string ?? event.event {
            case "message_start":
                let message = body["message"]
                if let reported = message.flatMap(AnthropicMessages.usage(in:)) { usage = reported }
                started = true
                return [
                    .start(
                        id: message?["id"]?.string ?? "msg_gateway", model: message?["model"]?.string ?? "",
                        inputTokens: usage.input)
                ]
            case "content_block_start":
                let block = body["content_block"]
                switch block?["type"]?.string {
                case "tool_use":
                    toolCalls += 1
                    return [
                        .toolCall(
                            index: toolCalls - 1, id: block?["id"]?.string ?? "", name: block?["name"]?.string ?? "")
                    ]
                case "text":
                    let text = block?["text"]?.string ?? ""
                    return text.isEmpty ? [] : [.text(text)]
                default: return []
                }
            case "content_block_delta":
                let delta = body["delta"]
                switch delta?["type"]?.string {
                case "text_delta": return (delta?["text"]?.string).map { [.text($0)] } ?? []
                case "input_json_delta":
                    let piece = delta?["partial_json"]?.string ?? ""
                    return piece.isEmpty ? [] : [.toolArguments(index: max(0, toolCalls - 1), piece)]
                case "thinking_delta": return (delta?["thinking"]?.string).map { [.thinking($0)] } ?? []
                case "signature_delta": return (delta?["signature"]?.string).map { [.signature($0)] } ?? []
                default: return []
                }
            case "message_delta":
                var parts: [StreamPart] = []
                if let reason = body["delta"]?["stop_reason"]?.string {
                    finished = true
                    parts.append(.finish(FinishReason(anthropic: reason)))
                }
                if let reported = body["usage"] {
                    // message_delta's counts are cumulative; fields it leaves out keep message_start's.
                    if let output = reported["output_tokens"]?.int { usage.output = output }
                    if reported["input_tokens"] != nil || reported["cache_read_input_tokens"] != nil {
                        let read = reported["cache_read_input_tokens"]?.int ?? usage.cacheRead
                        let write = reported["cache_creation_input_tokens"]?.int ?? usage.cacheWrite
                        let uncached = reported["input_tokens"]?.int ?? usage.uncachedInput
                        usage = TokenUsage(
                            input: uncached + read + write, output: usage.output, cacheRead: read, cacheWrite: write)
                    }
                    parts.append(.usage(usage))
                }
                return parts
            case "message_stop":
                ended = true
                return [.end]
            case "error":
                ended = true
                return [.failure(body["error"]?["message"]?.string ?? "the provider's stream reported an error")]
            default:
                return []
            }
        }

        /// For an upstream that closed its stream without `message_stop`: the end when it had given
        /// its stop reason, else a failure, since the answer stopped part-way.
        public mutating func finish() -> [StreamPart] {
            guard !ended else { return [] }
            ended = true
            return finished ? [.end] : [.failure("the provider's stream ended before the answer was finished")]
        }
    }

    /// Writes stream parts as Anthropic stream events: `message_start` once, each text, tool
    /// call or thinking run as its own content block (the open one closed before the next
    /// starts), then `message_delta` and `message_stop` once. The finish reason and usage arrive
    /// in either order from OpenAI upstreams, so both are held until the end.
    public struct StreamEncoder: Sendable {
        private enum Open: Equatable {
            case none
            case text
            case tool(Int)
            case thinking
        }

        private let model: String
        private var finish: FinishReason = .stop
        private var usage = TokenUsage(input: 0, output: 0)
        private var started = false
        private var open = Open.none
        private var blockIndex = -1
        private var failed = false

        public init(model: String) {
            self.model = model
        }

        public mutating func events(_ part: StreamPart) -> [ServerSentEvent] {
            guard !failed else { return [] }
            if case .failure(let message) = part {
                failed = true
                // Anthropic's own mid-stream error event, which its SDKs raise.
                return [event("error", ["error": ["type": "api_error", "message": .string(message)]])]
            }
            var out: [ServerSentEvent] = []
            if !started {
                if case .start(_, _, let inputTokens) = part { usage.input = inputTokens ?? 0 }
                let id: String
                if case .start(let startID, _, _) = part { id = startID } else { id = "msg_gateway" }
                started = true
                out.append(
                    event(
                        "message_start",
                        [
                            "message": [
                                "id": .string(id), "type": "message", "role": "assistant", "content": [],
                                "model": .string(model), "stop_reason": nil, "stop_sequence": nil,
                                "usage": ["input_tokens": .int(usage.uncachedInput), "output_tokens": 0],
                            ]
                        ]))
            }
            switch part {
            case .start: break
            case .text(let text):
                if open != .text { out += openBlock(.text, ["type": "text", "text": ""]) }
                out.append(delta(["type": "text_delta", "text": .string(text)]))
            case .toolCall(let index, let id, let name):
                out += openBlock(
                    .tool(index), ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]])
            case .toolArguments(_, let piece):
                // OpenAI streams one tool call after another, so the pieces are the open call's.
                if case .tool = open {
                    out.append(delta(["type": "input_json_delta", "partial_json": .string(piece)]))
                }
            case .thinking(let text):
                if open != .thinking {
                    out += openBlock(.thinking, ["type": "thinking", "thinking": "", "signature": ""])
                }
                out.append(delta(["type": "thinking_delta", "thinking": .string(text)]))
            case .signature(let signature):
                if open == .thinking {
                    out.append(delta(["type": "signature_delta", "signature": .string(signature)]))
                }
            case .finish(let reason):
                finish = reason
            case .usage(let reported):
                usage = reported
            case .failure: break
            case .end:
                out += closeBlock()
                out.append(
                    event(
                        "message_delta",
                        [
                            "delta": ["stop_reason": .string(finish.anthropic), "stop_sequence": nil],
                            "usage": AnthropicMessages.usageObject(usage),
                        ]))
                out.append(event("message_stop", [:]))
            }
            return out
        }

        private mutating func openBlock(_ kind: Open, _ block: JSONObject) -> [ServerSentEvent] {
            var out = closeBlock()
            blockIndex += 1
            open = kind
            out.append(event("content_block_start", ["index": .int(blockIndex), "content_block": .object(block)]))
            return out
        }

        private mutating func closeBlock() -> [ServerSentEvent] {
            guard open != .none else { return [] }
            open = .none
            return [event("content_block_stop", ["index": .int(blockIndex)])]
        }

        private func delta(_ delta: JSONObject) -> ServerSentEvent {
            event("content_block_delta", ["index": .int(blockIndex), "delta": .object(delta)])
        }

        private func event(_ type: String, _ fields: JSONObject) -> ServerSentEvent {
            var object: JSONObject = ["type": .string(type)]
            for (key, value) in fields { object[key] = value }
            return ServerSentEvent(event: type, data: String(decoding: JSON.object(object).encoded(), as: UTF8.self))
        }
    }
}
