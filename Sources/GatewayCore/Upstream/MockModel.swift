import Foundation
import GatewayModel

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

    /// The completion for a chat request in `format`. With tools offered (and not refused by
    /// `tool_choice`) and no tool results to answer, it calls the named tool or the first one
    /// (the first two when the prompt says "parallel" and parallel calls are allowed), with
    /// arguments that fill the schema's required properties; given tool results, it quotes them;
    /// asked for a JSON schema, it answers JSON that fills the schema's required properties.
    public static func completion(
        for body: JSON, format: ChatFormat = .openAI, model: String, id: String
    )
        throws(Untranslatable) -> Completion
    {
        if format == .responses {
            let chat = try OpenAIChat.request(
                ResponsesAPI.conversation(from: body), model: model, maxTokensField: "max_tokens")
            return try completion(for: chat, format: .openAI, model: model, id: id)
        }
        let prompt = prompt(of: body)
        let quoted = prompt.count > 200 ? String(prompt.prefix(200)) + "…" : prompt
        var text = "Mock reply to: \(quoted)"
        let inputText =
            (body["messages"]?.array ?? []).map { contentText($0["content"]) }.joined()
            + contentText(body["system"])
        var blocks: [ContentBlock] = []
        var finish = FinishReason.stop
        let results = toolResults(of: body, format: format)
        let tools = offeredTools(of: body, format: format)
        if !results.isEmpty {
            text = "Mock reply to tool results: " + results.joined(separator: " | ")
        } else if !tools.isEmpty {
            var calls = tools
            if let named = namedTool(of: body, format: format) { calls = tools.filter { $0.name == named } }
            let parallel = prompt.contains("parallel") && !disallowsParallel(body, format: format)
            calls = Array(calls.prefix(parallel ? 2 : 1))
            for (index, tool) in calls.enumerated() {
                let callID = (format == .openAI ? "call_" : "toolu_") + "\(id.suffix(8))\(index)"
                let arguments = String(decoding: sample(of: tool.schema).encoded(), as: UTF8.self)
                blocks.append(.toolCall(id: callID, name: tool.name, arguments: arguments))
            }
            finish = .toolCalls
            text = ""
        }
        if let schema = body["response_format"]?["json_schema"]?["schema"]
            ?? body["output_config"]?["format"]?["schema"]
        {
            text = String(decoding: sample(of: schema).encoded(), as: UTF8.self)
        }
        var usage = TokenUsage(input: tokens(inputText), output: tokens(text.isEmpty ? "tool" : text))
        let limit = body["max_tokens"]?.int ?? body["max_completion_tokens"]?.int
        if let limit, limit > 0, usage.output > limit {
            usage.output = limit
            finish = .length
            text = String(text.prefix(limit * 4))
            blocks = []
        }
        if !text.isEmpty { blocks.insert(.text(text), at: 0) }
        return Completion(id: id, model: model, blocks: blocks, finish: finish, usage: usage)
    }

    /// The text of the tool results the request ends with.
    static func toolResults(of body: JSON, format: ChatFormat) -> [String] {
        let messages = body["messages"]?.array ?? []
        switch format {
        case .openAI, .responses:
            return messages.reversed().prefix { $0["role"]?.string == "tool" }.reversed().map {
                contentText($0["content"])
            }
        case .anthropic:
            guard let last = messages.last, last["role"]?.string == "user" else { return [] }
            return (last["content"]?.array ?? []).filter { $0["type"]?.string == "tool_result" }.map { result in
                result["content"]?.string ?? contentText(result["content"])
            }
        }
    }

    static func offeredTools(of body: JSON, format: ChatFormat) -> [(name: String, schema: JSON)] {
        let choice = body["tool_choice"]
        if choice?.string == "none" || choice?["type"]?.string == "none" { return [] }
        return (body["tools"]?.array ?? []).compactMap { tool in
            switch format {
            case .openAI, .responses:
                guard let name = tool["function"]?["name"]?.string else { return nil }
                return (name, tool["function"]?["parameters"] ?? .object([:]))
            case .anthropic:
                guard let name = tool["name"]?.string else { return nil }
                return (name, tool["input_schema"] ?? .object([:]))
            }
        }
    }

    static func namedTool(of body: JSON, format: ChatFormat) -> String? {
        let choice = body["tool_choice"]
        return format == .openAI ? choice?["function"]?["name"]?.string : choice?["name"]?.string
    }

    static func disallowsParallel(_ body: JSON, format: ChatFormat) -> Bool {
        format == .openAI
            ? body["parallel_tool_calls"]?.bool == false
            : body["tool_choice"]?["disable_parallel_tool_use"]?.bool == true
    }

    /// A value that fills a JSON schema's required properties (strings "mock", numbers 1).
    static func sample(of schema: JSON) -> JSON {
        let type = schema["type"]?.string ?? (schema["properties"] != nil ? "object" : nil)
        switch type {
        case "object":
            var object = JSONObject()
            let properties = schema["properties"]?.object ?? JSONObject()
            for name in schema["required"]?.array?.compactMap(\.string) ?? [] {
                object[name] = sample(of: properties[name] ?? .object([:]))
            }
            return .object(object)
        case "integer", "number": return 1
        case "boolean": return true
        case "array": return .array([])
        case "null": return .null
        default:
            return schema["enum"]?.array?.first ?? "mock"
        }
    }

    /// The completion as stream parts: the text in word-sized pieces, each tool call's arguments in two.
    public static func parts(of completion: Completion) -> [StreamPart] {
        var parts: [StreamPart] = [
            .start(id: completion.id, model: completion.model, inputTokens: completion.usage.input)
        ]
        var calls = 0
        for block in completion.blocks {
            switch block {
            case .text(let text, _):
                var piece = ""
                for character in text {
                    piece.append(character)
                    if character == " " {
                        parts.append(.text(piece))
                        piece = ""
                    }
                }
                if !piece.isEmpty { parts.append(.text(piece)) }
            case .toolCall(let id, let name, let arguments):
                parts.append(.toolCall(index: calls, id: id, name: name))
                let half = arguments.index(arguments.startIndex, offsetBy: arguments.count / 2)
                for piece in [arguments[..<half], arguments[half...]] where !piece.isEmpty {
                    parts.append(.toolArguments(index: calls, String(piece)))
                }
                calls += 1
            default: continue
            }
        }
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
                "embedding": .array(vector(text, dimensions: dimensions).map { .double($0) }),
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
            let prefix = ["openai": "chatcmpl-", "anthropic": "msg_", "responses": "resp_"][format.rawValue] ?? ""
            let completion = try MockModel.completion(
                for: body, format: format, model: call.candidate.model, id: prefix + call.requestID)
            guard stream else { return .complete(body: format.response(completion), usage: completion.usage) }
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
