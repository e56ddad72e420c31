import GatewayModel

/// Each format's readers and writers behind one switch, so the adapter and the mock pick by
/// format instead of repeating the pairs.
extension ChatFormat {
    /// The conversation a request body of this format holds.
    public func conversation(from body: JSON) throws(Untranslatable) -> Conversation {
        switch self {
        case .openAI: return try OpenAIChat.conversation(from: body)
        case .anthropic: return try AnthropicMessages.conversation(from: body)
        case .responses: return try ResponsesAPI.conversation(from: body)
        }
    }

    /// A request of this format for a conversation read from another. Requests are never
    /// bridged into the Responses API: providers that have it get the client's own body.
    public func request(
        _ conversation: Conversation, model: String, maxTokensField: String = "max_tokens"
    )
        throws(Untranslatable) -> JSON
    {
        switch self {
        case .openAI: return try OpenAIChat.request(conversation, model: model, maxTokensField: maxTokensField)
        case .anthropic: return try AnthropicMessages.request(conversation, model: model)
        case .responses:
            throw .unsupported("the request", "requests are not bridged into the Responses API")
        }
    }

    /// The completion in a (non-streamed) response of this format.
    public func completion(from response: JSON) -> Completion {
        switch self {
        case .openAI: return OpenAIChat.completion(from: response)
        case .anthropic: return AnthropicMessages.completion(from: response)
        case .responses: return ResponsesAPI.completion(from: response)
        }
    }

    /// A response of this format.
    public func response(_ completion: Completion) -> JSON {
        switch self {
        case .openAI: return OpenAIChat.response(completion)
        case .anthropic: return AnthropicMessages.response(completion)
        case .responses: return ResponsesAPI.response(completion)
        }
    }

    /// The usage a response of this format reports.
    public func usage(in response: JSON) -> TokenUsage? {
        switch self {
        case .openAI: return OpenAIChat.usage(in: response)
        case .anthropic: return AnthropicMessages.usage(in: response)
        case .responses: return ResponsesAPI.usage(in: response)
        }
    }
}

/// A stream decoder for any format.
public struct ChatStreamDecoder: Sendable {
    private enum Decoder: Sendable {
        case openAI(OpenAIChat.StreamDecoder)
        case anthropic(AnthropicMessages.StreamDecoder)
        case responses(ResponsesAPI.StreamDecoder)
    }

    private var decoder: Decoder

    public init(format: ChatFormat) {
        switch format {
        case .openAI: decoder = .openAI(OpenAIChat.StreamDecoder())
        case .anthropic: decoder = .anthropic(AnthropicMessages.StreamDecoder())
        case .responses: decoder = .responses(ResponsesAPI.StreamDecoder())
        }
    }

    public mutating func parts(_ event: ServerSentEvent) -> [StreamPart] {
        switch decoder {
        case .openAI(var inner):
            defer { decoder = .openAI(inner) }
            return inner.parts(event)
        case .anthropic(var inner):
            defer { decoder = .anthropic(inner) }
            return inner.parts(event)
        case .responses(var inner):
            defer { decoder = .responses(inner) }
            return inner.parts(event)
        }
    }

    /// The end, for an upstream that closed its stream without its end event.
    public mutating func finish() -> [StreamPart] {
        switch decoder {
        case .openAI(var inner):
            defer { decoder = .openAI(inner) }
            return inner.finish()
        case .anthropic(var inner):
            defer { decoder = .anthropic(inner) }
            return inner.finish()
        case .responses(var inner):
            defer { decoder = .responses(inner) }
            return inner.finish()
        }
    }
}

/// A stream encoder for any client format.
public struct ChatStreamEncoder: Sendable {
    private enum Encoder: Sendable {
        case openAI(OpenAIChat.StreamEncoder)
        case anthropic(AnthropicMessages.StreamEncoder)
        case responses(ResponsesAPI.StreamEncoder)
    }

    private var encoder: Encoder

    public init(format: ChatFormat, model: String, includeUsage: Bool) {
        switch format {
        case .openAI: encoder = .openAI(OpenAIChat.StreamEncoder(model: model, includeUsage: includeUsage))
        case .anthropic: encoder = .anthropic(AnthropicMessages.StreamEncoder(model: model))
        case .responses: encoder = .responses(ResponsesAPI.StreamEncoder(model: model))
        }
    }

    public mutating func events(_ part: StreamPart) -> [ServerSentEvent] {
        switch encoder {
        case .openAI(var inner):
            defer { encoder = .openAI(inner) }
            return inner.events(part)
        case .anthropic(var inner):
            defer { encoder = .anthropic(inner) }
            return inner.events(part)
        case .responses(var inner):
            defer { encoder = .responses(inner) }
            return inner.events(part)
        }
    }
}
