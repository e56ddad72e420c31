import GatewayModel

/// OpenAI chat requests to and from ``Conversation``.
extension OpenAIChat {
    /// Top-level fields that have no effect on what the model answers (caching and tracing hints,
    /// storage that is off), ignored when the provider speaks another format. Listed in
    /// docs/data-plane.md.
    static let ignoredFields: Set<String> = [
        "prompt_cache_key", "prompt_cache_retention", "safety_identifier", "metadata", "service_tier",
    ]

    /// Fields accepted only at the value that changes nothing, since the other format has no
    /// such parameter: `n: 1`, `presence_penalty: 0`, `logprobs: false`, `store: false` and so on.
    static let neutralValues: [String: [JSON]] = [
        "n": [1], "presence_penalty": [0, .double(0)], "frequency_penalty": [0, .double(0)],
        "logprobs": [false], "store": [false], "modalities": [["text"]], "logit_bias": [.object([:])],
    ]

    /// The conversation an OpenAI chat request holds. Throws for a part another format cannot carry.
    public static func conversation(from body: JSON) throws(Untranslatable) -> Conversation {
        try Conversation.reading(body) { (key, value, object, conversation) throws(Untranslatable) in
            switch key {
            case "messages":
                guard let messages = value.array else { throw .invalid("messages", "expected an array") }
                for (index, message) in messages.enumerated() {
                    try read(message, at: "messages[\(index)]", into: &conversation)
                }
            case "max_tokens": if object["max_completion_tokens"] == nil { conversation.maxTokens = value }
            case "max_completion_tokens": conversation.maxTokens = value
            case "stop":
                switch value {
                case .string: conversation.stop = [value]
                case .array(let stops): conversation.stop = stops
                default: throw .invalid("stop", "expected a string or an array of strings")
                }
            case "stream": conversation.stream = value.bool == true
            case "stream_options": conversation.includeUsage = value["include_usage"]?.bool == true
            case "tools":
                for (index, tool) in (value.array ?? []).enumerated() {
                    conversation.tools.append(try readTool(tool, at: "tools[\(index)]"))
                }
            case "tool_choice": conversation.toolChoice = try readToolChoice(value)
            case "parallel_tool_calls": conversation.parallelToolCalls = value.bool
            case "response_format": conversation.outputSchema = try readResponseFormat(value)
            case "user": conversation.user = value.string
            default:
                if ignoredFields.contains(key) { return }
                if let neutral = neutralValues[key], neutral.contains(value) { return }
                throw .unsupported(key, "the provider's format has no such parameter")
            }
        }
    }

    private static func read(
        _ message: JSON, at path: @autoclosure () -> String, into conversation: inout Conversation
    )
        throws(Untranslatable)
    {
        guard let role = message["role"]?.string else { throw .invalid(path(), "a message needs a role") }
        for key in message.object?.keys ?? [] {
            switch key {
            case "role", "content", "name", "tool_calls", "tool_call_id", "refusal", "thinking_blocks",
                "reasoning_content":
                continue
            default:
                if message[key]?.isNull == false {
                    throw .unsupported("\(path()).\(key)", "no such field in the provider's format")
                }
            }
        }
        switch role {
        case "system", "developer":
            conversation.system += try textBlocks(message["content"], at: "\(path()).content")
        case "user":
            conversation.append(.user, try userBlocks(message["content"], at: "\(path()).content"))
        case "assistant":
            var blocks: [ContentBlock] = []
            for (index, block) in (message["thinking_blocks"]?.array ?? []).enumerated() {
                switch block["type"]?.string {
                case "thinking":
                    blocks.append(
                        .thinking(block["thinking"]?.string ?? "", signature: block["signature"]?.string ?? ""))
                case "redacted_thinking": blocks.append(.redactedThinking(block["data"]?.string ?? ""))
                default: throw .unsupported("\(path()).thinking_blocks[\(index)]", "unknown thinking block")
                }
            }
            blocks += try textBlocks(message["content"], at: "\(path()).content", allowRefusal: true)
            if let refusal = message["refusal"]?.string, !refusal.isEmpty { blocks.append(.text(refusal)) }
            for (index, call) in (message["tool_calls"]?.array ?? []).enumerated() {
                func callPath() -> String { "\(path()).tool_calls[\(index)]" }
                guard call["type"]?.string ?? "function" == "function" else {
                    throw .unsupported(callPath(), "only function tool calls can be carried")
                }
                guard let id = call["id"]?.string, let name = call["function"]?["name"]?.string else {
                    throw .invalid(callPath(), "a tool call needs an id and a function name")
                }
                let arguments = call["function"]?["arguments"]?.string ?? ""
                blocks.append(.toolCall(id: id, name: name, arguments: arguments))
            }
            conversation.append(.assistant, blocks)
        case "tool":
            guard let id = message["tool_call_id"]?.string else {
                throw .invalid(path(), "a tool message needs a tool_call_id")
            }
            let content = try textBlocks(message["content"], at: "\(path()).content")
            conversation.append(.user, [.toolResult(id: id, content: content, isError: false)])
        default:
            throw .unsupported(path(), "messages of role '\(role)' cannot be carried")
        }
    }

    /// Text content: a string or text parts (and `refusal` parts of an assistant message).
    private static func textBlocks(
        _ content: JSON?, at path: @autoclosure () -> String, allowRefusal: Bool = false
    )
        throws(Untranslatable) -> [ContentBlock]
    {
        try Conversation.blocks(content, at: path(), expected: "parts") { part, index throws(Untranslatable) in
            func partPath() -> String { "\(path())[\(index)]" }
            switch part["type"]?.string {
            case "text": return Conversation.textBlock(part["text"], cacheControl: part["cache_control"])
            case "refusal" where allowRefusal: return Conversation.textBlock(part["refusal"])
            case let type: throw .unsupported("\(partPath()) (\(type ?? "untyped"))", "only text can be carried here")
            }
        }
    }

    private static func userBlocks(
        _ content: JSON?, at path: @autoclosure () -> String
    ) throws(Untranslatable) -> [ContentBlock] {
        guard case .array? = content else { return try textBlocks(content, at: path()) }
        return try Conversation.blocks(content, at: path(), expected: "parts") {
            part, index throws(Untranslatable) in
            func partPath() -> String { "\(path())[\(index)]" }
            switch part["type"]?.string {
            case "text": return Conversation.textBlock(part["text"], cacheControl: part["cache_control"])
            case "image_url":
                guard let url = part["image_url"]?["url"]?.string ?? part["image_url"]?.string else {
                    throw .invalid(partPath(), "an image_url part needs a url")
                }
                return .image(try MediaSource.fromURL(url, part: partPath()), cacheControl: part["cache_control"])
            case "file":
                let file = part["file"]
                guard let data = file?["file_data"]?.string else {
                    throw .unsupported(partPath(), "a file by file_id cannot be carried; send file_data")
                }
                let source = try MediaSource.fromURL(data, part: partPath())
                guard case .base64(let mediaType, _) = source, mediaType == "application/pdf" else {
                    throw .unsupported(partPath(), "only PDF files can be carried")
                }
                return .document(source, title: file?["filename"]?.string, cacheControl: part["cache_control"])
            case let type:
                throw .unsupported("\(partPath()) (\(type ?? "untyped"))", "the provider's format has no such content")
            }
        }
    }

    private static func readTool(
        _ tool: JSON, at path: @autoclosure () -> String
    ) throws(Untranslatable) -> Conversation.Tool {
        guard tool["type"]?.string == "function", let function = tool["function"] else {
            throw .unsupported("\(path()) (\(tool["type"]?.string ?? "untyped"))", "only function tools can be carried")
        }
        guard let name = function["name"]?.string else { throw .invalid(path(), "a function tool needs a name") }
        return Conversation.Tool(
            name: name, description: function["description"]?.string,
            schema: function["parameters"] ?? ["type": "object", "properties": .object([:])],
            strict: function["strict"], cacheControl: tool["cache_control"])
    }

    private static func readToolChoice(_ value: JSON) throws(Untranslatable) -> Conversation.ToolChoice {
        switch value {
        case "auto": return .auto
        case "required": return .required
        case "none": return .none
        default:
            if value["type"]?.string == "function", let name = value["function"]?["name"]?.string {
                return .named(name)
            }
            throw .unsupported("tool_choice", "only auto, required, none and a named function can be carried")
        }
    }

    private static func readResponseFormat(_ value: JSON) throws(Untranslatable) -> Conversation.OutputSchema? {
        switch value["type"]?.string {
        case "text": return nil
        case "json_schema":
            guard let schema = value["json_schema"]?["schema"] else {
                throw .invalid("response_format.json_schema", "needs a schema")
            }
            return Conversation.OutputSchema(name: value["json_schema"]?["name"]?.string ?? "output", schema: schema)
        default:
            throw .unsupported(
                "response_format (\(value["type"]?.string ?? "untyped"))",
                "only json_schema can be carried; give the schema")
        }
    }

    /// An OpenAI chat request for a conversation read from another format. `maxTokensField` is
    /// `max_completion_tokens` for OpenAI itself, `max_tokens` for look-alikes.
    public static func request(
        _ conversation: Conversation, model: String, maxTokensField: String
    )
        throws(Untranslatable) -> JSON
    {
        var messages: [JSON] = []
        let system = conversation.system.compactMap(\.text).joined(separator: "\n\n")
        if !system.isEmpty { messages.append(["role": "system", "content": .string(system)]) }
        for (index, turn) in conversation.turns.enumerated() {
            messages += try self.messages(of: turn, at: "messages[\(index)]")
        }
        var request: JSONObject = ["model": .string(model), "messages": .array(messages)]
        if let maxTokens = conversation.maxTokens { request[maxTokensField] = maxTokens }
        request["temperature"] = conversation.temperature
        request["top_p"] = conversation.topP
        if !conversation.stop.isEmpty { request["stop"] = .array(conversation.stop) }
        if conversation.stream {
            request["stream"] = true
            request["stream_options"] = ["include_usage": true]
        }
        if !conversation.tools.isEmpty {
            request["tools"] = .array(
                conversation.tools.map { tool in
                    var function: JSONObject = ["name": .string(tool.name)]
                    function["description"] = tool.description.map(JSON.string)
                    function["parameters"] = tool.schema
                    function["strict"] = tool.strict
                    return ["type": "function", "function": .object(function)]
                })
            if conversation.parallelToolCalls == false { request["parallel_tool_calls"] = false }
        }
        switch conversation.toolChoice {
        case .auto?: request["tool_choice"] = "auto"
        case .required?: request["tool_choice"] = "required"
        case .none?: request["tool_choice"] = "none"
        case .named(let name)?: request["tool_choice"] = ["type": "function", "function": ["name": .string(name)]]
        case nil: break
        }
        if let output = conversation.outputSchema {
            request["response_format"] = [
                "type": "json_schema",
                "json_schema": ["name": .string(output.name), "schema": output.schema, "strict": true],
            ]
        }
        request["user"] = conversation.user.map(JSON.string)
        return .object(request)
    }

    /// A turn as OpenAI messages: a user turn's tool results become `tool` messages ahead of its other content.
    private static func messages(
        of turn: Conversation.Turn, at path: @autoclosure () -> String
    ) throws(Untranslatable) -> [JSON] {
        switch turn.role {
        case .assistant:
            var text: [String] = []
            var calls: [JSON] = []
            for block in turn.blocks {
                switch block {
                case .text(let value, _): text.append(value)
                case .toolCall(let id, let name, let arguments):
                    calls.append([
                        "id": .string(id), "type": "function",
                        "function": [
                            "name": .string(name), "arguments": .string(arguments.isEmpty ? "{}" : arguments),
                        ],
                    ])
                // Earlier turns' reasoning is the previous model's; OpenAI chat takes none back.
                case .thinking, .redactedThinking: continue
                default: throw .unsupported(path(), "an assistant turn can hold only text and tool calls here")
                }
            }
            var message: JSONObject = ["role": "assistant"]
            message["content"] = text.isEmpty ? (calls.isEmpty ? "" : .null) : .string(text.joined())
            if !calls.isEmpty { message["tool_calls"] = .array(calls) }
            return [.object(message)]
        case .user:
            var out: [JSON] = []
            var parts: [JSON] = []
            for (index, block) in turn.blocks.enumerated() {
                func blockPath() -> String { "\(path()).content[\(index)]" }
                if case .toolResult(let id, let content, let isError, _) = block {
                    var text = ""
                    for item in content {
                        guard let value = item.text else {
                            throw .unsupported(blockPath(), "a tool result can carry only text to this provider")
                        }
                        text += value
                    }
                    // OpenAI has no error flag on a tool message; the model reads it in the content.
                    if isError { text = "Error: " + text }
                    out.append(["role": "tool", "tool_call_id": .string(id), "content": .string(text)])
                } else {
                    parts.append(try part(block, at: blockPath()))
                }
            }
            if !parts.isEmpty {
                let content: JSON =
                    parts.count == 1 && parts[0]["type"]?.string == "text" ? parts[0]["text"]! : .array(parts)
                out.append(["role": "user", "content": content])
            }
            return out
        }
    }

    private static func part(_ block: ContentBlock, at path: @autoclosure () -> String) throws(Untranslatable) -> JSON {
        switch block {
        case .text(let text, _): return ["type": "text", "text": .string(text)]
        case .image(let source, _):
            guard let url = source.dataURL else { throw .unsupported(path(), "this image source cannot be carried") }
            return ["type": "image_url", "image_url": ["url": .string(url)]]
        case .document(let source, let title, _):
            switch source {
            case .base64:
                return [
                    "type": "file",
                    "file": ["filename": .string(title ?? "document.pdf"), "file_data": .string(source.dataURL ?? "")],
                ]
            case .text(let text): return ["type": "text", "text": .string(text)]
            case .url: throw .unsupported(path(), "a document by URL cannot be carried; send it inline")
            }
        default: throw .unsupported(path(), "this content cannot be carried in a user message")
        }
    }
}
