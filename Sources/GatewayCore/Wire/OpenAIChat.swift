import Foundation

/// The OpenAI chat completions format: requests from the other format, responses, stream chunks.
public enum OpenAIChat {
    /// An OpenAI chat request carrying an Anthropic messages request (text content).
    /// `maxTokensField` is `max_completion_tokens` for OpenAI itself, `max_tokens` for look-alikes.
    public static func request(fromAnthropic body: JSON, model: String, maxTokensField: String) -> JSON {
        var messages: [JSON] = []
        let system = contentText(body["system"])
        if !system.isEmpty { messages.append(.object(["role": "system", "content": .string(system)])) }
        for message in body["messages"]?.array ?? [] {
            let role = message["role"]?.string == "assistant" ? "assistant" : "user"
            messages.append(.object(["role": .string(role), "content": .string(contentText(message["content"]))]))
        }
        var request: [String: JSON] = ["model": .string(model), "messages": .array(messages)]
        if let maxTokens = body["max_tokens"] { request[maxTokensField] = maxTokens }
        for field in ["temperature", "top_p"] { if let value = body[field] { request[field] = value } }
        if let stops = body["stop_sequences"] { request["stop"] = stops }
        if body["stream"]?.bool == true {
            request["stream"] = .bool(true)
            request["stream_options"] = .object(["include_usage": .bool(true)])
        }
        return .object(request)
    }

    /// The completion in an OpenAI response.
    public static func completion(from response: JSON) -> Completion {
        let choice = response["choices"]?.array?.first
        return Completion(
            id: response["id"]?.string ?? "chatcmpl-gateway", model: response["model"]?.string ?? "",
            text: contentText(choice?["message"]?["content"]),
            finish: FinishReason(openAI: choice?["finish_reason"]?.string),
            usage: usage(in: response) ?? TokenUsage(input: 0, output: 0))
    }

    /// `usage` of a response or stream chunk.
    public static func usage(in body: JSON) -> TokenUsage? {
        guard let usage = body["usage"], usage.object != nil else { return nil }
        return TokenUsage(input: usage["prompt_tokens"]?.int ?? 0, output: usage["completion_tokens"]?.int ?? 0)
    }

    /// A chat completion response.
    public static func response(_ completion: Completion, created: Int = Int(Date().timeIntervalSince1970)) -> JSON {
        .object([
            "id": .string(completion.id), "object": "chat.completion", "created": .int(created),
            "model": .string(completion.model),
            "choices": .array([
                .object([
                    "index": .int(0),
                    "message": .object(["role": "assistant", "content": .string(completion.text)]),
                    "finish_reason": .string(completion.finish.openAI), "logprobs": .null,
                ])
            ]),
            "usage": usageObject(completion.usage),
        ])
    }

    static func usageObject(_ usage: TokenUsage) -> JSON {
        .object([
            "prompt_tokens": .int(usage.input), "completion_tokens": .int(usage.output),
            "total_tokens": .int(usage.total),
        ])
    }

    /// Reads OpenAI stream chunks as stream parts.
    public struct StreamDecoder: Sendable {
        private var started = false

        public init() {}

        public mutating func parts(_ event: ServerSentEvent) -> [StreamPart] {
            if event.data == "[DONE]" { return [.end] }
            guard let chunk = try? JSON.parse(Array(event.data.utf8)) else { return [] }
            var parts: [StreamPart] = []
            if !started, let id = chunk["id"]?.string {
                started = true
                parts.append(.start(id: id, model: chunk["model"]?.string ?? "", inputTokens: nil))
            }
            if let choice = chunk["choices"]?.array?.first {
                let text = contentText(choice["delta"]?["content"])
                if !text.isEmpty { parts.append(.text(text)) }
                if let reason = choice["finish_reason"]?.string { parts.append(.finish(FinishReason(openAI: reason))) }
            }
            if let usage = OpenAIChat.usage(in: chunk) { parts.append(.usage(usage)) }
            return parts
        }
    }

    /// Writes stream parts as OpenAI stream chunks.
    public struct StreamEncoder: Sendable {
        private var id = "chatcmpl-gateway"
        private let model: String
        private let includeUsage: Bool
        private let created = Int(Date().timeIntervalSince1970)

        public init(model: String, includeUsage: Bool) {
            self.model = model
            self.includeUsage = includeUsage
        }

        public mutating func events(_ part: StreamPart) -> [ServerSentEvent] {
            switch part {
            case .start(let id, _, _):
                self.id = id
                return [chunk(delta: ["role": "assistant", "content": ""], finish: nil)]
            case .text(let text):
                return [chunk(delta: ["content": .string(text)], finish: nil)]
            case .finish(let reason):
                return [chunk(delta: [:], finish: reason)]
            case .usage(let usage):
                guard includeUsage else { return [] }
                return [event(["choices": .array([]), "usage": OpenAIChat.usageObject(usage)])]
            case .end:
                return [ServerSentEvent(data: "[DONE]")]
            }
        }

        private func chunk(delta: [String: JSON], finish: FinishReason?) -> ServerSentEvent {
            event([
                "choices": .array([
                    .object([
                        "index": .int(0), "delta": .object(delta),
                        "finish_reason": finish.map { .string($0.openAI) } ?? .null,
                    ])
                ])
            ])
        }

        private func event(_ fields: [String: JSON]) -> ServerSentEvent {
            var object = fields
            object["id"] = .string(id)
            object["object"] = "chat.completion.chunk"
            object["created"] = .int(created)
            object["model"] = .string(model)
            return ServerSentEvent(data: String(decoding: JSON.object(object).encoded(), as: UTF8.self))
        }
    }
}

extension JSON: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
