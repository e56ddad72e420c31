import GatewayModel

// What the three request readers (chat, messages, Responses) share, so each format's reader holds
// only the fields that are its own.
extension Conversation {
    /// Reads a request body: it must be an object; `model` names the model; a null field counts as
    /// absent; `temperature` and `top_p` pass through exactly as sent. Every other field goes to
    /// `field`, in the body's order, which throws for one the other formats cannot carry.
    static func reading(
        _ body: JSON,
        field: (_ key: String, _ value: JSON, _ body: JSONObject, _ conversation: inout Conversation)
            throws(Untranslatable) -> Void
    ) throws(Untranslatable) -> Conversation {
        guard let object = body.object else { throw .invalid("the body", "expected a JSON object") }
        var conversation = Conversation(model: object["model"]?.string ?? "")
        for (key, value) in object where !value.isNull {
            switch key {
            case "model": break
            case "temperature": conversation.temperature = value
            case "top_p": conversation.topP = value
            default: try field(key, value, object, &conversation)
            }
        }
        return conversation
    }

    /// Content given as a string (one text block; an empty one is none) or as an array of parts,
    /// each read by `part` with its index (nil: the part carries nothing, as an empty text). `expected` names
    /// what the array holds in the error for any other value.
    static func blocks(
        _ content: JSON?, at path: @autoclosure () -> String, expected: String,
        part: (_ item: JSON, _ index: Int) throws(Untranslatable) -> ContentBlock?
    ) throws(Untranslatable) -> [ContentBlock] {
        switch content {
        case nil, .null?: return []
        case .string(let text)?: return text.isEmpty ? [] : [.text(text)]
        case .array(let items)?:
            var blocks: [ContentBlock] = []
            blocks.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                if let block = try part(item, index) { blocks.append(block) }
            }
            return blocks
        default: throw .invalid(path(), "expected a string or an array of \(expected)")
        }
    }

    /// A text part's text as a block, nil when it is missing or empty (nothing to carry).
    static func textBlock(_ text: JSON?, cacheControl: JSON? = nil) -> ContentBlock? {
        guard let text = text?.string, !text.isEmpty else { return nil }
        return .text(text, cacheControl: cacheControl)
    }
}
