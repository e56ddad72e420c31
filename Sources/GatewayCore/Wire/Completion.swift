import GatewayModel

/// The two chat wire formats the gateway speaks to clients and providers.
public enum ChatFormat: String, Sendable, Hashable {
    /// `POST /v1/chat/completions`.
    case openAI = "openai"
    /// `POST /v1/messages`.
    case anthropic
    /// `POST /v1/responses` (the OpenAI Responses API).
    case responses
}

/// Tokens a request used. `input` counts every prompt token, cached ones included (OpenAI's
/// `prompt_tokens`; Anthropic's `input_tokens` plus its cache reads and writes), so cost and
/// budgets see the same figure whichever format the provider reports in.
public struct TokenUsage: Sendable, Hashable {
    public var input: Int
    public var output: Int
    /// Prompt tokens read from the provider's cache (part of `input`).
    public var cacheRead: Int
    /// Prompt tokens written to the provider's cache (part of `input`; Anthropic only).
    public var cacheWrite: Int

    public init(input: Int, output: Int, cacheRead: Int = 0, cacheWrite: Int = 0) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
    }

    public var total: Int { input + output }

    /// Anthropic's `input_tokens`: the prompt tokens that were neither read from nor written to the cache.
    var uncachedInput: Int { max(0, input - cacheRead - cacheWrite) }
}

/// Why generation stopped, in neither format.
public enum FinishReason: Sendable, Hashable {
    case stop
    /// A stop sequence matched (Anthropic tells it apart; OpenAI calls it `stop`).
    case stopSequence
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
        case "max_tokens", "model_context_window_exceeded": self = .length
        case "tool_use": self = .toolCalls
        case "refusal": self = .contentFilter
        case "stop_sequence": self = .stopSequence
        default: self = .stop
        }
    }

    var openAI: String {
        switch self {
        case .stop, .stopSequence: return "stop"
        case .length: return "length"
        case .toolCalls: return "tool_calls"
        case .contentFilter: return "content_filter"
        }
    }

    var anthropic: String {
        switch self {
        case .stop: return "end_turn"
        case .stopSequence: return "stop_sequence"
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
    /// Text, tool calls and thinking, in the order the model produced them.
    public var blocks: [ContentBlock]
    public var finish: FinishReason
    public var usage: TokenUsage

    public init(id: String, model: String, blocks: [ContentBlock], finish: FinishReason = .stop, usage: TokenUsage) {
        self.id = id
        self.model = model
        self.blocks = blocks
        self.finish = finish
        self.usage = usage
    }

    public init(id: String, model: String, text: String, finish: FinishReason = .stop, usage: TokenUsage) {
        self.init(id: id, model: model, blocks: text.isEmpty ? [] : [.text(text)], finish: finish, usage: usage)
    }

    /// The text blocks, joined.
    public var text: String { blocks.compactMap(\.text).joined() }
}

/// A piece of a streamed completion, in neither format. Tool calls are numbered from 0 in the
/// order they start; their arguments arrive as pieces of JSON text.
public enum StreamPart: Sendable, Hashable {
    case start(id: String, model: String, inputTokens: Int?)
    case text(String)
    case toolCall(index: Int, id: String, name: String)
    case toolArguments(index: Int, String)
    case thinking(String)
    case signature(String)
    case finish(FinishReason)
    case usage(TokenUsage)
    case end
    /// The provider reported an error mid-stream, or its stream stopped before it finished: the
    /// client is told in its format's error event, never handed a truncated answer as complete.
    case failure(String)
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
