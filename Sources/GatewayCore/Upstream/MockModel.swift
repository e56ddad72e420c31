import Foundation

/// The deterministic model behind the `mock` provider type and the test upstream: it answers
/// with a reply that quotes the prompt, counts about four bytes per token, and embeds text as a
/// fixed function of its bytes. Upstream model names choose a behaviour: `error-NNN` answers
/// HTTP NNN, `stall` never answers; anything else replies.
public enum MockModel {
    /// What the mock does for an upstream model name.
    public enum Behaviour: Sendable, Hashable {
        case reply
        case error(status: Int)
        case stall
    }

    public static func behaviour(of upstreamModel: String) -> Behaviour {
        if upstreamModel == "stall" { return .stall }
        if upstreamModel.hasPrefix("error-"), let status = Int(upstreamModel.dropFirst(6)), (400...599).contains(status)
        {
            return .error(status: status)
        }
        return .reply
    }

    /// The text of the last user message of a chat request in either format.
    public static func prompt(of body: JSON) -> String {
        let messages = body["messages"]?.array ?? []
        let user = messages.last { $0["role"]?.string == "user" } ?? messages.last
        return contentText(user?["content"])
    }

    /// Tokens in `text`, about four bytes each, at least one.
    public static func tokens(_ text: String) -> Int { max(1, (text.utf8.count + 3) / 4) }

    /// The completion for a chat request.
    public static func completion(for body: JSON, model: String, id: String) -> Completion {
        let prompt = prompt(of: body)
        let quoted = prompt.count > 200 ? String(prompt.prefix(200)) + "…" : prompt
        var text = "Mock reply to: \(quoted)"
        let inputText =
            (body["messages"]?.array ?? []).map { contentText($0["content"]) }.joined()
            + contentText(body["system"])
        var usage = TokenUsage(input: tokens(inputText), output: tokens(text))
        var finish = FinishReason.stop
        let limit = body["max_tokens"]?.int ?? body["max_completion_tokens"]?.int
        if let limit, limit > 0, usage.output > limit {
            usage.output = limit
            finish = .length
            text = String(text.prefix(limit * 4))
        }
        return Completion(id: id, model: model, text: text, finish: finish, usage: usage)
    }

    /// The completion as stream parts: the text in word-sized pieces.
    public static func parts(of completion: Completion) -> [StreamPart] {
        var parts: [StreamPart] = [
            .start(id: completion.id, model: completion.model, inputTokens: completion.usage.input)
        ]
        var piece = ""
        for character in completion.text {
            piece.append(character)
            if character == " " {
                parts.append(.text(piece))
                piece = ""
            }
        }
        if !piece.isEmpty { parts.append(.text(piece)) }
        parts += [.finish(completion.finish), .usage(completion.usage), .end]
        return parts
    }

    /// An OpenAI embeddings response for `input` (a string or an array of strings).
    public static func embeddings(for body: JSON, model: String) -> (body: JSON, usage: TokenUsage) {
        let inputs: [String]
        switch body["input"] {
        case .string(let text)?: inputs = [text]
        case .array(let items)?: inputs = items.map { $0.string ?? "" }
        default: inputs = [""]
        }
        let dimensions = min(max(body["dimensions"]?.int ?? 8, 1), 3072)
        let data: [JSON] = inputs.enumerated().map { index, text in
            .object([
                "object": "embedding", "index": .int(index),
                "embedding": .array(vector(text, dimensions: dimensions).map { .number($0) }),
            ])
        }
        let tokens = inputs.map(tokens).reduce(0, +)
        let body: JSON = .object([
            "object": "list", "data": .array(data), "model": .string(model),
            "usage": .object(["prompt_tokens": .int(tokens), "total_tokens": .int(tokens)]),
        ])
        return (body, TokenUsage(input: tokens, output: 0))
    }

    /// A unit vector that is a fixed function of the text (FNV-1a seeded per dimension).
    static func vector(_ text: String, dimensions: Int) -> [Double] {
        var values: [Double] = []
        for dimension in 0..<dimensions {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 &+ UInt64(dimension) &* 0x100_0000_01b3
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            values.append(Double(hash % 2001) / 1000 - 1)
        }
        let norm = values.map { $0 * $0 }.reduce(0, +).squareRoot()
        return norm == 0 ? values : values.map { ($0 / norm * 1e6).rounded() / 1e6 }
    }
}

/// The `mock` provider type: in-process, deterministic, free of network.
public struct MockProviderAdapter: ProviderAdapter {
    public init() {}

    public func send(_ call: UpstreamCall) async throws -> UpstreamReply {
        switch MockModel.behaviour(of: call.candidate.upstreamModel) {
        case .error(let status):
            throw UpstreamFailure(.status(status), "the mock model '\(call.candidate.upstreamModel)' answers \(status)")
        case .stall:
            try await Task.sleep(for: .seconds(call.timeoutSeconds))
            throw UpstreamFailure(.timeout, "no answer within \(call.timeoutSeconds)s")
        case .reply:
            break
        }
        switch call.operation {
        case .embeddings(let body):
            let (reply, usage) = MockModel.embeddings(for: body, model: call.candidate.model)
            return .complete(body: reply, usage: usage)
        case .chat(let format, let body, let stream, let includeUsage):
            let id = (format == .openAI ? "chatcmpl-" : "msg_") + call.requestID
            let completion = MockModel.completion(for: body, model: call.candidate.model, id: id)
            guard stream else {
                let reply = format == .openAI ? OpenAIChat.response(completion) : AnthropicMessages.response(completion)
                return .complete(body: reply, usage: completion.usage)
            }
            let meter = UsageMeter()
            var encoder = ChatStreamEncoder(format: format, model: call.candidate.model, includeUsage: includeUsage)
            let parts = MockModel.parts(of: completion)
            meter.record(parts)
            let events = parts.flatMap { encoder.events($0) }
            let sequence = AsyncThrowingStream<ServerSentEvent, any Error> { continuation in
                for event in events { continuation.yield(event) }
                continuation.finish()
            }
            return .stream(sequence, usage: meter)
        }
    }
}

/// A stream encoder for either client format.
public struct ChatStreamEncoder: Sendable {
    private var openAI: OpenAIChat.StreamEncoder?
    private var anthropic: AnthropicMessages.StreamEncoder?

    public init(format: ChatFormat, model: String, includeUsage: Bool) {
        switch format {
        case .openAI: openAI = OpenAIChat.StreamEncoder(model: model, includeUsage: includeUsage)
        case .anthropic: anthropic = AnthropicMessages.StreamEncoder(model: model)
        }
    }

    public mutating func events(_ part: StreamPart) -> [ServerSentEvent] {
        if openAI != nil { return openAI!.events(part) }
        return anthropic!.events(part)
    }
}
