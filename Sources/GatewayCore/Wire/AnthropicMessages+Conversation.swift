import GatewayModel

/// Anthropic messages requests to and from ``Conversation``.
extension AnthropicMessages {
    /// The conversation an Anthropic messages request holds. Throws for a part another format cannot carry.
    public static func conversation(from body: JSON) throws(Untranslatable) -> Conversation {
        try Conversation.reading(body) { (key, value, _, conversation) throws(Untranslatable) in
            switch key {
            case "messages":
                guard let messages = value.array else { throw .invalid("messages", "expected an array") }
                for (index, message) in messages.enumerated() {
                    func path() -> String { "messages[\(index)]" }
                    let role: Conversation.Role
                    switch message["role"]?.string {
                    case "user": role = .user
                    case "assistant": role = .assistant
                    default: throw .invalid(path(), "the role must be user or assistant")
                    }
                    conversation.append(role, try blocks(message["content"], at: "\(path()).content"))
                }
            case "system": conversation.system = try blocks(value, at: "system")
            case "max_tokens": conversation.maxTokens = value
            case "stop_sequences": conversation.stop = value.array ?? []
            case "stream": conversation.stream = value.bool == true
            case "tools":
                for (index, tool) in (value.array ?? []).enumerated() {
                    func path() -> String { "tools[\(index)]" }
                    if let type = tool["type"]?.string, type != "custom" {
                        throw .unsupported("\(path()) (\(type))", "the provider has no such server tool")
                    }
                    guard let name = tool["name"]?.string else { throw .invalid(path(), "a tool needs a name") }
                    conversation.tools.append(
                        Conversation.Tool(
                            name: name, description: tool["description"]?.string,
                            schema: tool["input_schema"] ?? ["type": "object"], strict: tool["strict"],
                            cacheControl: tool["cache_control"]))
                }
            case "tool_choice":
                switch value["type"]?.string {
                case "auto": conversation.toolChoice = .auto
                case "any": conversation.toolChoice = .required
                case "none": conversation.toolChoice = Conversation.ToolChoice.none
                case "tool":
                    guard let name = value["name"]?.string else { throw .invalid("tool_choice", "needs a name") }
                    conversation.toolChoice = .named(name)
                default: throw .invalid("tool_choice", "unknown type")
                }
                if value["disable_parallel_tool_use"]?.bool == true { conversation.parallelToolCalls = false }
            case "metadata": conversation.user = value["user_id"]?.string
            case "thinking":
                guard value["type"]?.string == "disabled" else {
                    throw .unsupported("thinking", "extended thinking cannot be asked of this provider")
                }
            case "output_config", "output_format":
                let format = key == "output_format" ? value : value["format"]
                if let format {
                    guard format["type"]?.string == "json_schema", let schema = format["schema"] else {
                        throw .unsupported(key, "only a json_schema format can be carried")
                    }
                    conversation.outputSchema = Conversation.OutputSchema(name: "output", schema: schema)
                }
                if let other = value.object?.keys.first(where: { $0 != "format" }), key == "output_config" {
                    throw .unsupported("output_config.\(other)", "the provider's format has no such setting")
                }
            case "service_tier" where value.string == "auto": break
            default:
                throw .unsupported(key, "the provider's format has no such parameter")
            }
        }
    }

    private static func blocks(
        _ content: JSON?, at path: @autoclosure () -> String
    ) throws(Untranslatable) -> [ContentBlock] {
        try Conversation.blocks(content, at: path(), expected: "blocks") { item, index throws(Untranslatable) in
            try block(item, at: "\(path())[\(index)]")
        }
    }

    private static func block(_ item: JSON, at path: @autoclosure () -> String) throws(Untranslatable) -> ContentBlock?
    {
        let cache = item["cache_control"]
        switch item["type"]?.string {
        case "text":
            guard let text = item["text"]?.string else { throw .invalid(path(), "a text block needs text") }
            return text.isEmpty ? nil : .text(text, cacheControl: cache)
        case "image":
            return .image(try source(item["source"], at: path()), cacheControl: cache)
        case "document":
            return .document(try source(item["source"], at: path()), title: item["title"]?.string, cacheControl: cache)
        case "tool_use":
            guard let id = item["id"]?.string, let name = item["name"]?.string else {
                throw .invalid(path(), "a tool_use block needs an id and a name")
            }
            let input = item["input"] ?? .object([:])
            return .toolCall(id: id, name: name, arguments: String(decoding: input.encoded(), as: UTF8.self))
        case "tool_result":
            guard let id = item["tool_use_id"]?.string else {
                throw .invalid(path(), "a tool_result block needs a tool_use_id")
            }
            return .toolResult(
                id: id, content: try blocks(item["content"], at: "\(path()).content"),
                isError: item["is_error"]?.bool == true, cacheControl: cache)
        case "thinking":
            return .thinking(item["thinking"]?.string ?? "", signature: item["signature"]?.string ?? "")
        case "redacted_thinking":
            return .redactedThinking(item["data"]?.string ?? "")
        case let type:
            throw .unsupported("\(path()) (\(type ?? "untyped"))", "the provider's format has no such content")
        }
    }

    private static func source(
        _ source: JSON?, at path: @autoclosure () -> String
    ) throws(Untranslatable) -> MediaSource {
        switch source?["type"]?.string {
        case "base64":
            guard let mediaType = source?["media_type"]?.string, let data = source?["data"]?.string else {
                throw .invalid(path(), "a base64 source needs media_type and data")
            }
            return .base64(mediaType: MediaSource.normalised(mediaType), data: data)
        case "url":
            guard let url = source?["url"]?.string else { throw .invalid(path(), "a url source needs a url") }
            return .url(url)
        case "text":
            return .text(source?["data"]?.string ?? "")
        case let type:
            throw .unsupported(
                "\(path()).source (\(type ?? "untyped"))", "only base64, url and text sources can be carried")
        }
    }

    /// An Anthropic messages request for a conversation read from another format. System text
    /// from any position becomes `system`; a user turn's tool results come first, as Anthropic requires.
    public static func request(_ conversation: Conversation, model: String) throws(Untranslatable) -> JSON {
        var request: JSONObject = ["model": .string(model)]
        request.reserveCapacity(12)
        var messages: [JSON] = []
        messages.reserveCapacity(conversation.turns.count)
        for (index, turn) in conversation.turns.enumerated() {
            var blocks = turn.blocks
            if turn.role == .user {
                blocks = blocks.filter(\.isToolResult) + blocks.filter { !$0.isToolResult }
            }
            let rendered = try blocks.enumerated().map { (offset, block) throws(Untranslatable) in
                try self.block(block, at: "messages[\(index)].content[\(offset)]")
            }
            messages.append(["role": .string(turn.role.rawValue), "content": .array(rendered)])
        }
        request["messages"] = .array(messages)
        request["max_tokens"] = conversation.maxTokens ?? .int(defaultMaxTokens)
        if !conversation.system.isEmpty {
            if conversation.system.allSatisfy({ if case .text(_, nil) = $0 { true } else { false } }) {
                request["system"] = .string(conversation.system.compactMap(\.text).joined(separator: "\n\n"))
            } else {
                request["system"] = .array(
                    try conversation.system.map { (block) throws(Untranslatable) in try self.block(block, at: "system")
                    })
            }
        }
        // OpenAI's temperature goes to 2, Anthropic's to 1.
        if let temperature = conversation.temperature {
            request["temperature"] = (temperature.double ?? 0) > 1 ? 1 : temperature
        }
        request["top_p"] = conversation.topP
        if !conversation.stop.isEmpty { request["stop_sequences"] = .array(conversation.stop) }
        if conversation.stream { request["stream"] = true }
        if !conversation.tools.isEmpty {
            request["tools"] = .array(
                conversation.tools.map { tool in
                    var object: JSONObject = ["name": .string(tool.name)]
                    object["description"] = tool.description.map(JSON.string)
                    object["input_schema"] = tool.schema
                    object["strict"] = tool.strict
                    object["cache_control"] = tool.cacheControl
                    return .object(object)
                })
        }
        var choice: JSONObject?
        switch conversation.toolChoice {
        case .auto?: choice = ["type": "auto"]
        case .required?: choice = ["type": "any"]
        case .none?: choice = ["type": "none"]
        case .named(let name)?: choice = ["type": "tool", "name": .string(name)]
        case nil: if conversation.parallelToolCalls == false, !conversation.tools.isEmpty { choice = ["type": "auto"] }
        }
        if var choice {
            if conversation.parallelToolCalls == false, choice["type"] != "none" {
                choice["disable_parallel_tool_use"] = true
            }
            request["tool_choice"] = .object(choice)
        }
        if let output = conversation.outputSchema {
            request["output_config"] = ["format": ["type": "json_schema", "schema": output.schema]]
        }
        if let user = conversation.user { request["metadata"] = ["user_id": .string(user)] }
        return .object(request)
    }

    private static func block(_ block: ContentBlock, at path: @autoclosure () -> String) throws(Untranslatable) -> JSON
    {
        var object: JSONObject
        var cache: JSON?
        switch block {
        case .text(let text, let cacheControl):
            object = ["type": "text", "text": .string(text)]
            cache = cacheControl
        case .image(let source, let cacheControl):
            object = ["type": "image", "source": sourceObject(try source.checkedImage(part: path()))]
            cache = cacheControl
        case .document(let source, let title, let cacheControl):
            object = ["type": "document", "source": sourceObject(source)]
            object["title"] = title.map(JSON.string)
            cache = cacheControl
        case .toolCall(let id, let name, let arguments):
            let input: JSON
            if arguments.allSatisfy(\.isWhitespace) {
                input = .object([:])
            } else if let parsed = try? JSON.parse(Array(arguments.utf8)), parsed.object != nil {
                input = parsed
            } else {
                throw .invalid(path(), "the arguments of tool call '\(id)' are not a JSON object")
            }
            object = ["type": "tool_use", "id": .string(id), "name": .string(name), "input": input]
        case .toolResult(let id, let content, let isError, let cacheControl):
            object = ["type": "tool_result", "tool_use_id": .string(id)]
            object["content"] = .array(
                try content.enumerated().map { (offset, item) throws(Untranslatable) in
                    try self.block(item, at: "\(path()).content[\(offset)]")
                })
            if isError { object["is_error"] = true }
            cache = cacheControl
        case .thinking(let text, let signature):
            object = ["type": "thinking", "thinking": .string(text), "signature": .string(signature)]
        case .redactedThinking(let data):
            object = ["type": "redacted_thinking", "data": .string(data)]
        }
        object["cache_control"] = cache
        return .object(object)
    }

    private static func sourceObject(_ source: MediaSource) -> JSON {
        switch source {
        case .base64(let mediaType, let data):
            return ["type": "base64", "media_type": .string(mediaType), "data": .string(data)]
        case .url(let url): return ["type": "url", "url": .string(url)]
        case .text(let text): return ["type": "text", "media_type": "text/plain", "data": .string(text)]
        }
    }
}
