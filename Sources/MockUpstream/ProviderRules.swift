import GatewayCore
import GatewayModel

/// What the real provider APIs refuse, checked by the stand-in before it answers, so a lossy
/// or malformed translation fails a test with the provider's 400 instead of passing it.
/// Each check returns the refusal's message, or nil when the body is one the API accepts.
public enum ProviderRules {
    /// The checks of the API of `format`.
    public static func check(_ body: JSON, format: ChatFormat) -> String? {
        switch format {
        case .openAI: return openAIChat(body)
        case .anthropic: return anthropicMessages(body)
        case .responses: return responses(body)
        }
    }

    // MARK: Anthropic messages

    static let anthropicFields: Set<String> = [
        "model", "messages", "max_tokens", "system", "temperature", "top_p", "top_k", "stop_sequences", "stream",
        "tools", "tool_choice", "metadata", "thinking", "output_config", "service_tier", "container", "mcp_servers",
        "context_management",
    ]
    static let anthropicBlocks: Set<String> = [
        "text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking",
    ]

    /// The Anthropic messages API's checks.
    public static func anthropicMessages(_ body: JSON) -> String? {
        guard let object = body.object else { return "the body must be an object" }
        if let extra = object.keys.first(where: { !anthropicFields.contains($0) }) {
            return "\(extra): Extra inputs are not permitted"
        }
        guard object["model"]?.string != nil else { return "model: Field required" }
        guard let maxTokens = object["max_tokens"] else { return "max_tokens: Field required" }
        guard isInteger(maxTokens), (maxTokens.int ?? 0) >= 1 else {
            return "max_tokens: Input should be a valid integer"
        }
        if let temperature = object["temperature"], !(0...1).contains(temperature.double ?? -1) {
            return "temperature: Input should be less than or equal to 1"
        }
        if let system = object["system"], system.string == nil {
            for block in system.array ?? []
            where block["type"]?.string != "text" || (block["text"]?.string ?? "").isEmpty {
                return "system: text content blocks must be non-empty text blocks"
            }
        }
        var toolNames: Set<String> = []
        for (index, tool) in (object["tools"]?.array ?? []).enumerated() {
            guard let name = tool["name"]?.string, isToolName(name) else {
                return "tools.\(index).name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"
            }
            guard tool["input_schema"]?["type"]?.string == "object" else {
                return "tools.\(index).input_schema.type: Input should be 'object'"
            }
            toolNames.insert(name)
        }
        if let choice = object["tool_choice"] {
            switch choice["type"]?.string {
            case "auto", "any", "none": break
            case "tool":
                guard let name = choice["name"]?.string, toolNames.contains(name) else {
                    return "tool_choice.name: the tool is not among tools"
                }
            default: return "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"
            }
        }
        guard let messages = object["messages"]?.array, !messages.isEmpty else {
            return "messages: at least one message is required"
        }
        var pendingToolUses: Set<String> = []
        var seenToolUses: Set<String> = []
        for (index, message) in messages.enumerated() {
            let path = "messages.\(index)"
            guard let role = message["role"]?.string, role == "user" || role == "assistant" else {
                return "\(path).role: Input should be 'user' or 'assistant'"
            }
            if index == 0, role != "user" { return "\(path): the first message must use the user role" }
            if index > 0, messages[index - 1]["role"]?.string == role {
                return "\(path): roles must alternate between user and assistant"
            }
            var blocks: [JSON]
            switch message["content"] {
            case .string(let text)?:
                guard !text.isEmpty else { return "\(path).content: text content blocks must be non-empty" }
                blocks = [["type": "text", "text": .string(text)]]
            case .array(let items)?:
                guard !items.isEmpty else { return "\(path).content: all messages must have non-empty content" }
                blocks = items
            default: return "\(path).content: Field required"
            }
            var answered: Set<String> = []
            var pastResults = false
            for (offset, block) in blocks.enumerated() {
                let blockPath = "\(path).content.\(offset)"
                guard let type = block["type"]?.string, anthropicBlocks.contains(type) else {
                    return "\(blockPath).type: unknown content block type"
                }
                if type != "tool_result" { pastResults = true }
                switch type {
                case "text":
                    guard let text = block["text"]?.string, !text.isEmpty else {
                        return "\(blockPath): text content blocks must be non-empty"
                    }
                case "image":
                    if let problem = imageSource(block["source"]) { return "\(blockPath).source: \(problem)" }
                case "tool_use":
                    guard role == "assistant" else { return "\(blockPath): tool_use blocks belong to assistant turns" }
                    guard let id = block["id"]?.string, isToolName(id), let name = block["name"]?.string, !name.isEmpty,
                        block["input"]?.object != nil
                    else { return "\(blockPath): tool_use needs an id, a name and an input object" }
                    guard seenToolUses.insert(id).inserted else { return "\(blockPath): tool_use ids must be unique" }
                    pendingToolUses.insert(id)
                case "tool_result":
                    guard role == "user" else { return "\(blockPath): tool_result blocks belong to user turns" }
                    guard !pastResults else {
                        return "\(blockPath): tool_result blocks must come first in the message content"
                    }
                    guard let id = block["tool_use_id"]?.string, pendingToolUses.contains(id) else {
                        return
                            "\(blockPath): unexpected tool_use_id found in tool_result blocks; each tool_result must have a corresponding tool_use in the previous message"
                    }
                    answered.insert(id)
                    if case .array(let inner)? = block["content"] {
                        for item in inner where item["type"]?.string == "text" && (item["text"]?.string ?? "").isEmpty {
                            return "\(blockPath).content: text content blocks must be non-empty"
                        }
                    }
                case "thinking":
                    guard role == "assistant", block["signature"]?.string != nil else {
                        return "\(blockPath): thinking blocks need a signature"
                    }
                default: break
                }
            }
            if role == "user" {
                if !pendingToolUses.isEmpty, pendingToolUses != answered {
                    return
                        "\(path): tool_use ids were found without tool_result blocks immediately after: \(pendingToolUses.subtracting(answered).sorted().joined(separator: ", "))"
                }
                pendingToolUses = []
            }
        }
        return nil
    }

    static func imageSource(_ source: JSON?) -> String? {
        switch source?["type"]?.string {
        case "base64":
            let types: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp"]
            guard let mediaType = source?["media_type"]?.string, types.contains(mediaType) else {
                return "media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"
            }
            guard let data = source?["data"]?.string, !data.isEmpty else { return "data: Field required" }
            if let actual = sniff(data), actual != mediaType {
                return "Image does not match the provided media type \(mediaType)"
            }
            return nil
        case "url": return source?["url"]?.string == nil ? "url: Field required" : nil
        default: return "type: Input should be 'base64' or 'url'"
        }
    }

    static func sniff(_ base64: String) -> String? {
        let prefixes: [(String, String)] = [
            ("iVBORw0KGgo", "image/png"), ("/9j/", "image/jpeg"), ("R0lGOD", "image/gif"),
        ]
        if let match = prefixes.first(where: { base64.hasPrefix($0.0) }) { return match.1 }
        if base64.hasPrefix("UklGR") { return "image/webp" }
        return nil
    }

    // MARK: OpenAI chat completions

    static let openAIFields: Set<String> = [
        "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "n", "stop", "stream",
        "stream_options", "tools", "tool_choice", "parallel_tool_calls", "response_format", "seed", "user",
        "presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "store", "metadata",
        "modalities", "audio", "prediction", "reasoning_effort", "service_tier", "prompt_cache_key",
        "safety_identifier", "verbosity", "web_search_options", "functions", "function_call",
    ]

    /// The OpenAI chat completions API's checks.
    public static func openAIChat(_ body: JSON) -> String? {
        guard let object = body.object else { return "the body must be an object" }
        if let extra = object.keys.first(where: { !openAIFields.contains($0) }) {
            return "Unrecognized request argument supplied: \(extra)"
        }
        guard object["model"]?.string != nil else { return "you must provide a model parameter" }
        for field in ["seed", "max_tokens", "max_completion_tokens", "n", "top_logprobs"] {
            if let value = object[field], !value.isNull, !isInteger(value) {
                return "Invalid type for '\(field)': expected an integer, but got a decimal number instead."
            }
        }
        if let temperature = object["temperature"], !(0...2).contains(temperature.double ?? -1) {
            return "Invalid 'temperature': decimal above maximum value."
        }
        if object["stream_options"] != nil, object["stream"]?.bool != true {
            return "The 'stream_options' parameter is only allowed when 'stream' is enabled."
        }
        var toolNames: Set<String> = []
        for (index, tool) in (object["tools"]?.array ?? []).enumerated() {
            guard tool["type"]?.string == "function", let name = tool["function"]?["name"]?.string, isToolName(name)
            else { return "Invalid 'tools[\(index)]': expected a function tool with a valid name." }
            if let parameters = tool["function"]?["parameters"], parameters.object == nil {
                return "Invalid 'tools[\(index)].function.parameters': expected an object."
            }
            toolNames.insert(name)
        }
        if let choice = object["tool_choice"] {
            if let mode = choice.string {
                guard ["auto", "required", "none"].contains(mode) else { return "Invalid value for 'tool_choice'." }
            } else if let name = choice["function"]?["name"]?.string {
                guard toolNames.contains(name) else { return "Invalid 'tool_choice': no tool named \(name)." }
            } else {
                return "Invalid value for 'tool_choice'."
            }
            if toolNames.isEmpty { return "'tool_choice' is only allowed when 'tools' are specified." }
        }
        if object["parallel_tool_calls"] != nil, toolNames.isEmpty {
            return "'parallel_tool_calls' is only allowed when 'tools' are specified."
        }
        guard let messages = object["messages"]?.array, !messages.isEmpty else {
            return "Invalid 'messages': empty array. Expected an array with minimum length 1."
        }
        var pending: Set<String> = []
        for (index, message) in messages.enumerated() {
            let path = "messages[\(index)]"
            let role = message["role"]?.string ?? ""
            if role != "tool", !pending.isEmpty {
                return
                    "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: \(pending.sorted().joined(separator: ", "))"
            }
            switch role {
            case "system", "developer", "user":
                if let problem = openAIContent(message["content"], at: path, role: role) { return problem }
            case "assistant":
                let calls = message["tool_calls"]?.array ?? []
                if message["content"] == nil || message["content"]?.isNull == true {
                    guard !calls.isEmpty else { return "Invalid '\(path).content': assistant content is required" }
                }
                for (offset, call) in calls.enumerated() {
                    guard let id = call["id"]?.string, call["type"]?.string == "function",
                        call["function"]?["name"]?.string != nil, call["function"]?["arguments"]?.string != nil
                    else { return "Invalid '\(path).tool_calls[\(offset)]': missing id, type, name or arguments" }
                    pending.insert(id)
                }
            case "tool":
                guard let id = message["tool_call_id"]?.string, pending.remove(id) != nil else {
                    return
                        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."
                }
                if let problem = openAIContent(message["content"], at: path, role: role) { return problem }
            default:
                return "Invalid value for '\(path).role': '\(role)'"
            }
        }
        if !pending.isEmpty {
            return
                "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'."
        }
        return nil
    }

    // MARK: OpenAI responses

    static let responsesFields: Set<String> = [
        "model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "max_output_tokens",
        "temperature", "top_p", "text", "stream", "store", "metadata", "include", "reasoning", "user",
        "previous_response_id", "truncation", "service_tier", "prompt_cache_key", "safety_identifier", "background",
        "max_tool_calls", "top_logprobs", "prompt", "conversation", "stream_options",
    ]

    /// The OpenAI Responses API's checks (stateless: a function_call_output must answer a
    /// function_call earlier in the same input).
    public static func responses(_ body: JSON) -> String? {
        guard let object = body.object else { return "the body must be an object" }
        if let extra = object.keys.first(where: { !responsesFields.contains($0) }) {
            return "Unknown parameter: '\(extra)'."
        }
        guard object["model"]?.string != nil else { return "Missing required parameter: 'model'." }
        for field in ["max_output_tokens", "top_logprobs", "max_tool_calls"] {
            if let value = object[field], !value.isNull, !isInteger(value) {
                return "Invalid type for '\(field)': expected an integer, but got a decimal number instead."
            }
        }
        var calls: Set<String> = []
        for (index, item) in (object["input"]?.array ?? []).enumerated() {
            switch item["type"]?.string ?? "message" {
            case "message":
                guard let role = item["role"]?.string, ["user", "assistant", "system", "developer"].contains(role)
                else {
                    return "Invalid value for 'input[\(index)].role'."
                }
            case "function_call":
                guard let id = item["call_id"]?.string, item["name"]?.string != nil, item["arguments"]?.string != nil
                else { return "Missing required parameter: 'input[\(index)].call_id', 'name' or 'arguments'." }
                calls.insert(id)
            case "function_call_output":
                guard let id = item["call_id"]?.string, calls.contains(id) else {
                    return "No tool call found for function call output with call_id \(item["call_id"]?.string ?? "")."
                }
                guard item["output"] != nil else { return "Missing required parameter: 'input[\(index)].output'." }
            case "reasoning": break
            default: return "Invalid value for 'input[\(index)].type'."
            }
        }
        for (index, tool) in (object["tools"]?.array ?? []).enumerated() where tool["type"]?.string == "function" {
            guard let name = tool["name"]?.string, isToolName(name) else {
                return "Invalid 'tools[\(index)].name': expected a valid function name."
            }
        }
        return nil
    }

    static func openAIContent(_ content: JSON?, at path: String, role: String) -> String? {
        switch content {
        case .string?: return nil
        case .array(let parts)?:
            for (index, part) in parts.enumerated() {
                let allowed: Set<String> = role == "user" ? ["text", "image_url", "input_audio", "file"] : ["text"]
                guard let type = part["type"]?.string, allowed.contains(type) else {
                    return "Invalid '\(path).content[\(index)].type': not allowed for role \(role)"
                }
                if type == "image_url", part["image_url"]?["url"]?.string == nil {
                    return "Invalid '\(path).content[\(index)].image_url.url': expected a string"
                }
                if type == "text", part["text"]?.string == nil {
                    return "Invalid '\(path).content[\(index)].text': expected a string"
                }
            }
            return nil
        default: return "Invalid '\(path).content': expected a string or an array of parts"
        }
    }

    /// An integer in JSON's own text: no fraction and no exponent (`1.2345678901234568e+16` is not).
    static func isInteger(_ value: JSON) -> Bool {
        guard case .number(let number) = value else { return false }
        return !number.text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
    }

    static func isToolName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: "-")
            }
    }
}
