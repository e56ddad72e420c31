/// The Anthropic messages format: requests from the other format, responses, stream events.
public enum AnthropicMessages {
    /// The `max_tokens` Anthropic requires when an OpenAI request gives none.
    public static let defaultMaxTokens = 4096

    /// An Anthropic messages request carrying an OpenAI chat request (text content). System and
    /// developer messages become `system`; consecutive messages of one role are merged, as
    /// Anthropic requires alternating roles.
    public static func request(fromOpenAI body: JSON, model: String) -> JSON {
        var system: [String] = []
        var messages: [(role: String, text: String)] = []
        for message in body["messages"]?.array ?? [] {
            let role = message["role"]?.string ?? "user"
            let text = contentText(message["content"])
            if role == "system" || role == "developer" {
                system.append(text)
                continue
            }
            let mapped = role == "assistant" ? "assistant" : "user"
            if let last = messages.last, last.role == mapped {
                messages[messages.count - 1].text += "\n\n" + text
            } else {
                messages.append((mapped, text))
            }
        }
        var request: [String: JSON] = [
            "model": .string(model),
            "messages": .array(messages.map { .object(["role": .string($0.role), "content": .string($0.text)]) }),
            "max_tokens": body["max_completion_tokens"] ?? body["max_tokens"] ?? .int(defaultMaxTokens),
        ]
        if !system.isEmpty { request["system"] = .string(system.joined(separator: "\n\n")) }
        for field in ["temperature", "top_p"] { if let value = body[field] { request[field] = value } }
        switch body["stop"] {
        case .string(let stop)?: request["stop_sequences"] = .array([.string(stop)])
        case .array(let stops)?: request["stop_sequences"] = .array(stops)
        default: break
        }
        if body["stream"]?.bool == true { request["stream"] = .bool(true) }
        return .object(request)
    }

    /// The completion in an Anthropic response.
    public static func completion(from response: JSON) -> Completion {
        Completion(
            id: response["id"]?.string ?? "msg_gateway", model: response["model"]?.string ?? "",
            text: contentText(response["content"]), finish: FinishReason(anthropic: response["stop_reason"]?.string),
            usage: usage(in: response) ?? TokenUsage(input: 0, output: 0))
    }

    /// `usage` of a response.
    public static func usage(in body: JSON) -> TokenUsage? {
        guard let usage = body["usage"], usage.object != nil else { return nil }
        return TokenUsage(input: usage["input_tokens"]?.int ?? 0, output: usage["output_tokens"]?.int ?? 0)
    }

    /// A messages response.
    public static func response(_ completion: Completion) -> JSON {
        .object([
            "id": .string(completion.id), "type": "message", "role": "assistant", "model": .string(completion.model),
            "content": .array([.object(["type": "text", "text": .string(completion.text)])]),
            "stop_reason": .string(completion.finish.anthropic), "stop_sequence": .null,
            "usage": .object([
                "input_tokens": .int(completion.usage.input), "output_tokens": .int(completion.usage.output),
            ]),
        ])
    }

    /// Reads Anthropic stream events as stream parts.
    public struct StreamDecoder: Sendable {
        private var inputTokens = 0

        public init() {}

        public mutating func parts(_ event: ServerSentEvent) -> [StreamPart] {
            guard let body = try? JSON.parse(Array(event.data.utf8)) else { return [] }
            switch body["type"]?.string ?? event.event {
            case "message_start":
                let message = body["message"]
                inputTokens = message?["usage"]?["input_tokens"]?.int ?? 0
                return [
                    .start(
                        id: message?["id"]?.string ?? "msg_gateway", model: message?["model"]?.string ?? "",
                        inputTokens: inputTokens)
                ]
            case "content_block_delta":
                guard body["delta"]?["type"]?.string == "text_delta", let text = body["delta"]?["text"]?.string
                else { return [] }
                return [.text(text)]
            case "message_delta":
                var parts: [StreamPart] = []
                if let reason = body["delta"]?["stop_reason"]?.string {
                    parts.append(.finish(FinishReason(anthropic: reason)))
                }
                if let usage = body["usage"] {
                    parts.append(
                        .usage(
                            TokenUsage(
                                input: usage["input_tokens"]?.int ?? inputTokens,
                                output: usage["output_tokens"]?.int ?? 0)))
                }
                return parts
            case "message_stop":
                return [.end]
            default:
                return []
            }
        }
    }

    /// Writes stream parts as Anthropic stream events. The finish reason and usage arrive in
    /// either order from OpenAI upstreams, so both are held until the end.
    public struct StreamEncoder: Sendable {
        private let model: String
        private var finish: FinishReason = .stop
        private var usage = TokenUsage(input: 0, output: 0)

        public init(model: String) {
            self.model = model
        }

        public mutating func events(_ part: StreamPart) -> [ServerSentEvent] {
            switch part {
            case .start(let id, _, let inputTokens):
                usage.input = inputTokens ?? 0
                return [
                    event(
                        "message_start",
                        [
                            "message": .object([
                                "id": .string(id), "type": "message", "role": "assistant", "content": .array([]),
                                "model": .string(model), "stop_reason": .null, "stop_sequence": .null,
                                "usage": .object(["input_tokens": .int(usage.input), "output_tokens": .int(0)]),
                            ])
                        ]),
                    event(
                        "content_block_start",
                        ["index": .int(0), "content_block": .object(["type": "text", "text": ""])]),
                ]
            case .text(let text):
                return [
                    event(
                        "content_block_delta",
                        ["index": .int(0), "delta": .object(["type": "text_delta", "text": .string(text)])])
                ]
            case .finish(let reason):
                finish = reason
                return []
            case .usage(let reported):
                usage = reported
                return []
            case .end:
                return [
                    event("content_block_stop", ["index": .int(0)]),
                    event(
                        "message_delta",
                        [
                            "delta": .object(["stop_reason": .string(finish.anthropic), "stop_sequence": .null]),
                            "usage": .object([
                                "input_tokens": .int(usage.input), "output_tokens": .int(usage.output),
                            ]),
                        ]),
                    event("message_stop", [:]),
                ]
            }
        }

        private func event(_ type: String, _ fields: [String: JSON]) -> ServerSentEvent {
            var object = fields
            object["type"] = .string(type)
            return ServerSentEvent(event: type, data: String(decoding: JSON.object(object).encoded(), as: UTF8.self))
        }
    }
}
