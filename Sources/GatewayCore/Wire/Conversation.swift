import GatewayModel

/// A chat request in neither wire format: what a client's body becomes when its provider speaks
/// another format. Reading a body into it refuses every part it cannot hold (``Untranslatable``),
/// so what the provider receives is everything the client sent or nothing at all.
/// docs/data-plane.md has the field-by-field table.
public struct Conversation: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case user
        case assistant
    }

    /// One turn: consecutive messages of one role are one turn.
    public struct Turn: Sendable, Hashable {
        public var role: Role
        public var blocks: [ContentBlock]

        public init(role: Role, blocks: [ContentBlock]) {
            self.role = role
            self.blocks = blocks
        }
    }

    /// A function the model may call; the schema passes through untouched (`$defs` included).
    public struct Tool: Sendable, Hashable {
        public var name: String
        public var description: String?
        public var schema: JSON
        /// The client's `strict`, passed on where the provider has it.
        public var strict: JSON?
        public var cacheControl: JSON?
    }

    public enum ToolChoice: Sendable, Hashable {
        case auto
        /// Some tool must be called (OpenAI `required`, Anthropic `any`).
        case required
        case none
        case named(String)
    }

    /// A JSON schema the answer must follow (OpenAI `response_format`, Anthropic `output_config`).
    public struct OutputSchema: Sendable, Hashable {
        public var name: String
        public var schema: JSON
    }

    public var model: String
    public var system: [ContentBlock] = []
    public var turns: [Turn] = []
    public var tools: [Tool] = []
    public var toolChoice: ToolChoice?
    /// False when the client asked for at most one tool call per turn; nil leaves the provider's default.
    public var parallelToolCalls: Bool?
    /// Numbers as the client wrote them.
    public var maxTokens: JSON?
    public var temperature: JSON?
    public var topP: JSON?
    public var stop: [JSON] = []
    public var stream = false
    /// The client asked for a usage chunk at the end of an OpenAI stream.
    public var includeUsage = false
    public var outputSchema: OutputSchema?
    /// The end user, for the provider's abuse detection.
    public var user: String?

    public init(model: String) {
        self.model = model
    }

    /// Appends blocks as a turn of `role`, merging with the last turn when it has the same role.
    mutating func append(_ role: Role, _ blocks: [ContentBlock]) {
        guard !blocks.isEmpty else { return }
        if let last = turns.indices.last, turns[last].role == role {
            turns[last].blocks += blocks
        } else {
            turns.append(Turn(role: role, blocks: blocks))
        }
    }
}

/// A piece of a turn, of the system prompt, of a tool result or of an answer.
public enum ContentBlock: Sendable, Hashable {
    case text(String, cacheControl: JSON? = nil)
    case image(MediaSource, cacheControl: JSON? = nil)
    /// A PDF (or plain text) the model reads.
    case document(MediaSource, title: String? = nil, cacheControl: JSON? = nil)
    /// The model's call of a tool; `arguments` is JSON text of an object.
    case toolCall(id: String, name: String, arguments: String)
    case toolResult(id: String, content: [ContentBlock], isError: Bool, cacheControl: JSON? = nil)
    /// The model's visible reasoning, with the signature that lets it be sent back.
    case thinking(String, signature: String)
    case redactedThinking(String)

    var text: String? {
        if case .text(let text, _) = self { return text }
        return nil
    }

    var isToolResult: Bool {
        if case .toolResult = self { return true }
        return false
    }
}

/// Where an image's or document's bytes are.
public enum MediaSource: Sendable, Hashable {
    case base64(mediaType: String, data: String)
    case url(String)
    /// Plain text (an Anthropic text document).
    case text(String)
}

/// Why a body cannot go to the chosen provider: a part the provider's format has no place for
/// (``Kind/unsupported``, answered `400 unsupported_content`), or a body that is wrong in
/// itself (``Kind/invalid``, `400 invalid_request`).
public struct Untranslatable: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case unsupported
        case invalid
    }

    public var kind: Kind
    /// The part, as a path in the client's body: `messages[2].content[0] (input_audio)`.
    public var part: String
    public var reason: String

    public init(_ kind: Kind, part: String, _ reason: String) {
        self.kind = kind
        self.part = part
        self.reason = reason
    }

    static func unsupported(_ part: String, _ reason: String) -> Untranslatable {
        Untranslatable(.unsupported, part: part, reason)
    }

    static func invalid(_ part: String, _ reason: String) -> Untranslatable {
        Untranslatable(.invalid, part: part, reason)
    }

    public var description: String { "\(part): \(reason)" }
}
