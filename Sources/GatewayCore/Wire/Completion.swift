/// The two chat wire formats the gateway speaks to clients and providers.
public enum ChatFormat: String, Sendable, Hashable {
    /// `POST /v1/chat/completions`.
    case openAI = "openai"
    /// `POST /v1/messages`.
    case anthropic
}

/// Tokens a request used, as providers report them.
public struct TokenUsage: Sendable, Hashable {
    public var input: Int
    public var output: Int

    public init(input: Int, output: Int) {
        self.input = input
        self.output = output
    }

    public var total: Int { input + output }
}

/// Why generation stopped, in neither format.
public enum FinishReason: Sendable, Hashable {
    case stop
    case length
    case toolCalls
    case contentFilter

    init(openAI: String?) {
        switch openAI {
        case "length": self = .length
        case "tool_calls", "function_call": self = .toolCalls
        case "content_filter": self = .contentFilter
        default: self = .stop
        }
    }

    init(anthropic: String?) {
        switch anthropic {
        case "max_tokens": self = .length
        case "tool_use": self = .toolCalls
        case "refusal": self = .contentFilter
        default: self = .stop
        }
    }

    var openAI: String {
        switch self {
        case .stop: return "stop"
        case .length: return "length"
        case .toolCalls: return "tool_calls"
        case .contentFilter: return "content_filter"
        }
    }

    var anthropic: String {
        switch self {
        case .stop: return "end_turn"
        case .length: return "max_tokens"
        case .toolCalls: return "tool_use"
        case .contentFilter: return "refusal"
        }
    }
}

/// A finished completion in neither format: what translation and the mock provider produce.
public struct Completion: Sendable, Hashable {
    public var id: String
    public var model: String
    public var text: String
    public var finish: FinishReason
    public var usage: TokenUsage

    public init(id: String, model: String, text: String, finish: FinishReason = .stop, usage: TokenUsage) {
        self.id = id
        self.model = model
        self.text = text
        self.finish = finish
        self.usage = usage
    }
}

/// A piece of a streamed completion, in neither format.
public enum StreamPart: Sendable, Hashable {
    case start(id: String, model: String, inputTokens: Int?)
    case text(String)
    case finish(FinishReason)
    case usage(TokenUsage)
    case end
}

/// The text of a message's content in either format: a string, or the text of its text parts.
func contentText(_ content: JSON?) -> String {
    switch content {
    case .string(let text)?: return text
    case .array(let parts)?:
        return parts.compactMap { part in
            part["type"]?.string == "text" ? part["text"]?.string : nil
        }.joined()
    default: return ""
    }
}
