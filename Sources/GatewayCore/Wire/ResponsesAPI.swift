import Foundation
import GatewayModel

/// The OpenAI Responses API (`POST /v1/responses`), stateless: requests to and from
/// ``Conversation`` when the provider speaks chat or messages, and the response object.
/// OpenAI and Azure OpenAI providers get the client's body itself.
public enum ResponsesAPI {
    /// Fields with no effect on the answer when the request is bridged (gatewayd stores no
    /// responses, so `store` and `include` change nothing); listed in docs/data-plane.md.
    static let ignoredFields: Set<String> = [
        "store", "metadata", "include", "prompt_cache_key", "prompt_cache_retention", "safety_identifier",
        "service_tier", "truncation",
    ]

    /// The conversation a Responses request holds. Throws for a part another format cannot carry.
    public static func conversation(from body: JSON) throws(Untranslatable) -> Conversation {
        try Conversation.reading(body) { (key, value, _, conversation) throws(Untranslatable) in
            switch key {
            case "input":
                switch value {
                case .string(let text): conversation.append(.user, [.text(text)])
                case .array(let items):
                    for (index, item) in items.enumerated() {
                        try read(item, at: "input[\(index)]", into: &conversation)
                    }
                default: throw .invalid("input", "expected a string or an array of items")
                }
            case "instructions":
                guard let text = value.string else { throw .invalid("instructions", "expected a string") }
                if !text.isEmpty { conversation.system.insert(.text(text), at: 0) }
            case "max_output_tokens": conversation.maxTokens = value
            case "stream": conversation.stream = value.bool == true
            case "parallel_tool_calls": conversation.parallelToolCalls = value.bool
            case "user": conversation.user = value.string
            case "tools":
                for (index, tool) in (value.array ?? []).enumerated() {
                    func path() -> String { "tools[\(index)]" }
                    guard tool["type"]?.string == "function" else {
                        throw .unsupported(
                            "\(path()) (\(tool["type"]?.string ?? "untyped"))", "only function tools can be carried")
                    }
                    guard let name = tool["name"]?.string else {
                        throw .invalid(path(), "a function tool needs a name")
                    }
                    conversation.tools.append(
                        Conversation.Tool(
                            name: name, description: tool["description"]?.string,
                            schema: tool["parameters"] ?? ["type": "object", "properties": .object([:])],
                            strict: tool["strict"]))
                }
            case "tool_choice":
                switch value {
                case "auto": conversation.toolChoice = .auto
                case "required": conversation.toolChoice = .required
                case "none": conversation.toolChoice = Conversation.ToolChoice.none
                default:
                    guard value["type"]?.string == "function", let name = value["name"]?.string else {
                        throw .unsupported(
                            "tool_choice", "only auto, required, none and a named function can be carried")
                    }
                    conversation.toolChoice = .named(name)
                }
            case "text":
                for (textKey, setting) in value.object ?? JSONObject() where !setting.isNull {
                    switch (textKey, setting["type"]?.string) {
                    case ("format", "text"): break
                    case ("format", "json_schema"):
                        guard let schema = setting["schema"] else { throw .invalid("text.format", "needs a schema") }
                        conversation.outputSchema = Conversation.OutputSchema(
                            name: setting["name"]?.string ?? "output", schema: schema)
                    case ("format", let type):
                        throw .unsupported("text.format (\(type ?? "untyped"))", "only json_schema can be carried")
                    case ("verbosity", _) where setting.string == "medium": break
                    default: throw .unsupported("text.\(textKey)", "the provider's format has no such setting")
                    }
                }
            case "previous_response_id", "conversation":
                throw .invalid(
                    key, "gatewayd keeps no responses; send the whole conversation in input (stateless use)")
            default:
                if ignoredFields.contains(key) { return }
                throw .unsupported(key, "the provider's format has no such parameter")
            }
        }
    }

    private static func read(
        _ item: JSON, at path: @autoclosure () -> String, into conversation: inout Conversation
    )
        throws(Untranslatable)
    {
        switch item["type"]?.string ?? "message" {
        case "message":
            let role = item["role"]?.string ?? "user"
            let blocks = try contentBlocks(item["content"], at: "\(path()).content")
            switch role {
            case "system", "developer": conversation.system += blocks
            case "user": conversation.append(.user, blocks)
            case "assistant": conversation.append(.assistant, blocks)
            default: throw .invalid(path(), "unknown role '\(role)'")
            }
        case "function_call":
            guard let id = item["call_id"]?.string, let name = item["name"]?.string else {
                throw .invalid(path(), "a function_call needs a call_id and a name")
            }
            conversation.append(
                .assistant, [.toolCall(id: id, name: name, arguments: item["arguments"]?.string ?? "")])
        case "function_call_output":
            guard let id = item["call_id"]?.string else {
                throw .invalid(path(), "a function_call_output needs a call_id")
            }
            let content: [ContentBlock]
            switch item["output"] {
            case .string(let text)?: content = text.isEmpty ? [] : [.text(text)]
            case let output?: content = try contentBlocks(output, at: "\(path()).output")
            case nil: content = []
            }
            conversation.append(.user, [.toolResult(id: id, content: content, isError: false)])
        // An earlier turn's reasoning belongs to the model that produced it; chat and messages take none back.
        case "reasoning": break
        case let type:
            throw .unsupported("\(path()) (\(type))", "the provider's format has no such input item")
        }
    }

    private static func contentBlocks(
        _ content: JSON?, at path: @autoclosure () -> String
    ) throws(Untranslatable) -> [ContentBlock] {
        try Conversation.blocks(content, at: path(), expected: "parts") { part, index throws(Untranslatable) in
            func partPath() -> String { "\(path())[\(index)]" }
            switch part["type"]?.string {
            case "input_text", "output_text": return Conversation.textBlock(part["text"])
            case "refusal": return Conversation.textBlock(part["refusal"])
            case "input_image":
                guard let url = part["image_url"]?.string else {
                    throw .unsupported(partPath(), "an image by file_id cannot be carried; send image_url")
                }
                return .image(try MediaSource.fromURL(url, part: partPath()))
            case "input_file":
                guard let data = part["file_data"]?.string else {
                    throw .unsupported(partPath(), "a file by file_id or URL cannot be carried; send file_data")
                }
                let source =
                    data.hasPrefix("data:")
                    ? try MediaSource.fromURL(data, part: partPath())
                    : .base64(mediaType: "application/pdf", data: data)
                guard case .base64("application/pdf", _) = source else {
                    throw .unsupported(partPath(), "only PDF files can be carried")
                }
                return .document(source, title: part["filename"]?.string)
            case let type:
                throw .unsupported(
                    "\(partPath()) (\(type ?? "untyped"))", "the provider's format has no such content")
            }
        }
    }

    /// The completion in a Responses response object (a provider's, or the mock's).
    public static func completion(from response: JSON) -> Completion {
        var blocks: [ContentBlock] = []
        for item in response["output"]?.array ?? [] {
            switch item["type"]?.string {
            case "message":
                for part in item["content"]?.array ?? [] {
                    if let text = part["text"]?.string ?? part["refusal"]?.string, !text.isEmpty {
                        blocks.append(.text(text))
                    }
                }
            case "function_call":
                blocks.append(
                    .toolCall(
                        id: item["call_id"]?.string ?? "", name: item["name"]?.string ?? "",
                        arguments: item["arguments"]?.string ?? ""))
            default: continue
            }
        }
        var finish: FinishReason =
            blocks.contains { if case .toolCall = $0 { true } else { false } } ? .toolCalls : .stop
        switch response["incomplete_details"]?["reason"]?.string {
        case "max_output_tokens": finish = .length
        case "content_filter": finish = .contentFilter
        default: break
        }
        return Completion(
            id: response["id"]?.string ?? "resp_gateway", model: response["model"]?.string ?? "", blocks: blocks,
            finish: finish, usage: usage(in: response) ?? TokenUsage(input: 0, output: 0))
    }

    /// `usage` of a response object (`input_tokens` includes cached tokens).
    public static func usage(in response: JSON) -> TokenUsage? {
        guard let usage = response["usage"], usage.object != nil else { return nil }
        return TokenUsage(
            input: usage["input_tokens"]?.int ?? 0, output: usage["output_tokens"]?.int ?? 0,
            cacheRead: usage["input_tokens_details"]?["cached_tokens"]?.int ?? 0)
    }

    static func usageObject(_ usage: TokenUsage) -> JSON {
        [
            "input_tokens": .int(usage.input), "input_tokens_details": ["cached_tokens": .int(usage.cacheRead)],
            "output_tokens": .int(usage.output), "output_tokens_details": ["reasoning_tokens": 0],
            "total_tokens": .int(usage.total),
        ]
    }

    /// The output items of a completion; `ids` names each item (`msg_…`, `fc_…`, `rs_…`).
    static func outputItems(_ completion: Completion, idBase: String) -> [JSON] {
        var items: [JSON] = []
        var text = ""
        func flushText() {
            guard !text.isEmpty else { return }
            items.append(messageItem(id: "msg_\(idBase)_\(items.count)", text: text, status: "completed"))
            text = ""
        }
        for block in completion.blocks {
            switch block {
            case .text(let value, _): text += value
            case .toolCall(let id, let name, let arguments):
                flushText()
                items.append(
                    functionItem(
                        id: "fc_\(idBase)_\(items.count)", callID: id, name: name,
                        arguments: arguments.isEmpty ? "{}" : arguments, status: "completed"))
            case .thinking(let value, _):
                flushText()
                items.append(reasoningItem(id: "rs_\(idBase)_\(items.count)", text: value))
            default: continue
            }
        }
        flushText()
        return items
    }

    static func messageItem(id: String, text: String?, status: String) -> JSON {
        [
            "type": "message", "id": .string(id), "status": .string(status), "role": "assistant",
            "content": text.map { [outputText($0)] } ?? [],
        ]
    }

    static func outputText(_ text: String) -> JSON {
        ["type": "output_text", "text": .string(text), "annotations": [], "logprobs": []]
    }

    static func functionItem(id: String, callID: String, name: String, arguments: String, status: String) -> JSON {
        [
            "type": "function_call", "id": .string(id), "call_id": .string(callID), "name": .string(name),
            "arguments": .string(arguments), "status": .string(status),
        ]
    }

    static func reasoningItem(id: String, text: String?) -> JSON {
        [
            "type": "reasoning", "id": .string(id),
            "summary": text.map { [["type": "summary_text", "text": .string($0)]] } ?? [],
        ]
    }

    /// A response object: `status` is `completed`, or `incomplete` with its reason.
    public static func response(
        _ completion: Completion, created: Int = Int(Date().timeIntervalSince1970)
    ) -> JSON {
        envelope(
            id: completion.id, model: completion.model, created: created, finish: completion.finish,
            output: outputItems(completion, idBase: String(completion.id.suffix(12))), usage: completion.usage)
    }

    /// The response object around output items; a nil finish is a response still in progress.
    static func envelope(
        id: String, model: String, created: Int, finish: FinishReason?, output: [JSON], usage: TokenUsage?
    ) -> JSON {
        var status = "in_progress"
        var incomplete: JSON = nil
        switch finish {
        case .length?:
            status = "incomplete"
            incomplete = ["reason": "max_output_tokens"]
        case .contentFilter?:
            status = "incomplete"
            incomplete = ["reason": "content_filter"]
        case .some: status = "completed"
        case nil: break
        }
        return [
            "id": .string(id.hasPrefix("resp_") ? id : "resp_" + id), "object": "response", "created_at": .int(created),
            "status": .string(status), "error": nil, "incomplete_details": incomplete, "instructions": nil,
            "max_output_tokens": nil, "model": .string(model), "output": .array(output), "parallel_tool_calls": true,
            "previous_response_id": nil, "reasoning": ["effort": nil, "summary": nil], "store": false,
            "temperature": nil, "text": ["format": ["type": "text"]], "tool_choice": "auto", "tools": [], "top_p": nil,
            "truncation": "disabled", "usage": usage.map(usageObject) ?? nil, "user": nil, "metadata": [:],
        ]
    }
}
