import Foundation
import GatewayModel

/// The OpenAI chat completions format: responses and stream chunks to and from neither format.
/// Requests are in `OpenAIChat+Conversation.swift`.
public enum OpenAIChat {
    /// The completion in an OpenAI response.
    public static func completion(from response: JSON) -> Completion {
        let choice = response["choices"]?.array?.first
        let message = choice?["message"]
        var blocks: [ContentBlock] = []
        if let reasoning = message?["reasoning_content"]?.string, !reasoning.isEmpty {
            let signature = message?["thinking_blocks"]?.array?.first?["signature"]?.string ?? ""
            blocks.append(.thinking(reasoning, signature: signature))
        }
        let text = contentText(message?["content"])
        if !text.isEmpty { blocks.append(.text(text)) }
        if let refusal = message?["refusal"]?.string, !refusal.isEmpty { blocks.append(.text(refusal)) }
        for call in message?["tool_calls"]?.array ?? [] {
            blocks.append(
                .toolCall(
                    id: call["id"]?.string ?? "", name: call["function"]?["name"]?.string ?? "",
                    arguments: call["function"]?["arguments"]?.string ?? ""))
        }
        var finish = FinishReason(openAI: choice?["finish_reason"]?.string)
        if message?["refusal"]?.string?.isEmpty == false { finish = .contentFilter }
        return Completion(
            id: response["id"]?.string ?? "chatcmpl-gateway", model: response["model"]?.string ?? "",
            blocks: blocks, finish: finish, usage: usage(in: response) ?? TokenUsage(input: 0, output: 0))
    }

    /// `usage` of a response or stream chunk (`prompt_tokens` includes cached tokens).
    public static func usage(in body: JSON) -> TokenUsage? {
        guard let usage = body["usage"], usage.object != nil else { return nil }
        return TokenUsage(
            input: usage["prompt_tokens"]?.int ?? 0, output: usage["completion_tokens"]?.int ?? 0,
            cacheRead: usage["prompt_tokens_details"]?["cached_tokens"]?.int ?? 0)
    }

    /// A chat completion response.
    public static func response(_ completion: Completion, created: Int = Int(Date().timeIntervalSince1970)) -> JSON {
        var message: JSONObject = ["role": "assistant"]
        message.reserveCapacity(5)
        let text = completion.text
        let calls = completion.blocks.compactMap { block -> JSON? in
            guard case .toolCall(let id, let name, let arguments) = block else { return nil }
            return [
                "id": .string(id), "type": "function",
                "function": ["name": .string(name), "arguments": .string(arguments.isEmpty ? "{}" : arguments)],
            ]
        }
        message["content"] = text.isEmpty && !calls.isEmpty ? .null : .string(text)
        if !calls.isEmpty { message["tool_calls"] = .array(calls) }
        let thinking = completion.blocks.compactMap { block -> JSON? in
            switch block {
            case .thinking(let text, let signature):
                return ["type": "thinking", "thinking": .string(text), "signature": .string(signature)]
            case .redactedThinking(let data): return ["type": "redacted_thinking", "data": .string(data)]
            default: return nil
            }
        }
        if !thinking.isEmpty {
            // Where LiteLLM puts them, so clients that send thinking back across tool turns can.
            message["reasoning_content"] = .string(thinking.compactMap { $0["thinking"]?.string }.joined())
            message["thinking_blocks"] = .array(thinking)
        }
        return [
            "id": .string(completion.id), "object": "chat.completion", "created": .int(created),
            "model": .string(completion.model),
            "choices": [
                [
                    "index": 0, "message": .object(message),
                    "finish_reason": .string(completion.finish.openAI), "logprobs": nil,
                ]
            ],
            "usage": usageObject(completion.usage),
        ]
    }

    static func usageObject(_ usage: TokenUsage) -> JSON {
        [
            "prompt_tokens": .int(usage.input), "completion_tokens": .int(usage.output),
            "total_tokens": .int(usage.total),
            "prompt_tokens_details": ["cached_tokens": .int(usage.cacheRead)],
        ]
    }

    /// Reads OpenAI stream chunks as stream parts.
    public struct StreamDecoder: Sendable {
        private var started = false
        private var ended = false
        private var finished = false

        public init() {}

        public mutating func parts(_ event: ServerSentEvent) -> [StreamPart] {
            if event.data == "[DONE]" {
                ended = true
                return [.end]
            }
            guard let chunk = try? JSON.parse(Array(event.data.utf8)) else { return [] }
            if let error = chunk["error"] {
                ended = true
                return [.failure(error["message"]?.string ?? "the provider's stream reported an error")]
            }
            var parts: [StreamPart] = []
            if !started, let id = chunk["id"]?.string {
                started = true
                parts.append(.start(id: id, model: chunk["model"]?.string ?? "", inputTokens: nil))
            }
            if let choice = chunk["choices"]?.array?.first {
                let delta = choice["delta"]
                if let reasoning = delta?["reasoning_content"]?.string, !reasoning.isEmpty {
                    parts.append(.thinking(reasoning))
                }
                let text = contentText(delta?["content"])
                if !text.isEmpty { parts.append(.text(text)) }
                for call in delta?["tool_calls"]?.array ?? [] {
                    let index = call["index"]?.int ?? 0
                    if let id = call["id"]?.string {
                        parts.append(.toolCall(index: index, id: id, name: call["function"]?["name"]?.string ?? ""))
                    }
                    if let arguments = call["function"]?["arguments"]?.string, !arguments.isEmpty {
                        parts.append(.toolArguments(index: index, arguments))
                    }
                }
                if let reason = choice["finish_reason"]?.string {
                    finished = true
                    parts.append(.finish(FinishReason(openAI: reason)))
                }
            }
            if let usage = OpenAIChat.usage(in: chunk) { parts.append(.usage(usage)) }
            return parts
        }

        /// For an upstream that closed its stream without `[DONE]`: the end when it had given its
        /// finish reason, else a failure, since the answer stopped part-way.
        public mutating func finish() -> [StreamPart] {
            guard !ended else { return [] }
            ended = true
            return finished ? [.end] : [.failure("the provider's stream ended before the answer was finished")]
        }
    }

    /// Writes stream parts as OpenAI stream chunks.
    public struct StreamEncoder: Sendable {
        private var id = "chatcmpl-gateway"
        private let model: String
        private let includeUsage: Bool
        private let created = Int(Date().timeIntervalSince1970)
        private var failed = false

        public init(model: String, includeUsage: Bool) {
            self.model = model
            self.includeUsage = includeUsage
        }

        public mutating func events(_ part: StreamPart) -> [ServerSentEvent] {
            guard !failed else { return [] }
            switch part {
            case .failure(let message):
                failed = true
                // The shape the OpenAI SDKs raise as an APIError mid-stream.
                let error: JSON = [
                    "error": ["message": .string(message), "type": "api_error", "param": nil, "code": "upstream_error"]
                ]
                return [ServerSentEvent(data: String(decoding: error.encoded(), as: UTF8.self))]
            case .start(let id, _, _):
                self.id = id
                return [chunk(delta: ["role": "assistant", "content": ""], finish: nil)]
            case .text(let text):
                return [chunk(delta: ["content": .string(text)], finish: nil)]
            case .toolCall(let index, let id, let name):
                return [
                    chunk(
                        delta: [
                            "tool_calls": [
                                [
                                    "index": .int(index), "id": .string(id), "type": "function",
                                    "function": ["name": .string(name), "arguments": ""],
                                ]
                            ]
                        ], finish: nil)
                ]
            case .toolArguments(let index, let arguments):
                return [
                    chunk(
                        delta: ["tool_calls": [["index": .int(index), "function": ["arguments": .string(arguments)]]]],
                        finish: nil)
                ]
            case .thinking(let text):
                return [chunk(delta: ["reasoning_content": .string(text)], finish: nil)]
            case .signature(let signature):
                return [
                    chunk(
                        delta: [
                            "thinking_blocks": [["type": "thinking", "thinking": "", "signature": .string(signature)]]
                        ],
                        finish: nil)
                ]
            case .finish(let reason):
                return [chunk(delta: [:], finish: reason)]
            case .usage(let usage):
                guard includeUsage else { return [] }
                return [event(["choices": [], "usage": OpenAIChat.usageObject(usage)])]
            case .end:
                return [ServerSentEvent(data: "[DONE]")]
            }
        }

        private func chunk(delta: JSONObject, finish: FinishReason?) -> ServerSentEvent {
            event([
                "choices": [
                    [
                        "index": 0, "delta": .object(delta),
                        "finish_reason": finish.map { .string($0.openAI) } ?? .null,
                    ]
                ]
            ])
        }

        private func event(_ fields: JSONObject) -> ServerSentEvent {
            var object: JSONObject = [
                "id": .string(id), "object": "chat.completion.chunk", "created": .int(created), "model": .string(model),
            ]
            for (key, value) in fields { object[key] = value }
            return ServerSentEvent(data: String(decoding: JSON.object(object).encoded(), as: UTF8.self))
        }
    }
}
