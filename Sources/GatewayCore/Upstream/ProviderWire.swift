import GatewayModel
import NIOCore

/// What the HTTP adapter sends a provider and how it reads the answer, apart from the network:
/// the one place where a client's body becomes the provider's (edited in the same format,
/// translated across formats) and the provider's answer becomes the client's.
public enum ProviderWire {
    /// The format a provider of `type` is spoken to in, for a client of `clientFormat`: OpenAI
    /// and Azure OpenAI have the Responses API natively; look-alikes get chat.
    public static func upstreamFormat(of type: ProviderType, for clientFormat: ChatFormat) -> ChatFormat {
        switch type {
        case .anthropic: return .anthropic
        case .openai, .azureOpenAI: return clientFormat == .responses ? .responses : .openAI
        case .openaiCompatible, .mock: return .openAI
        }
    }

    /// The chat body for the provider: the client's own with the model replaced, or the client's
    /// conversation in the provider's format. Throws ``Untranslatable`` for a part it cannot carry.
    public static func body(of call: UpstreamCall, upstreamFormat: ChatFormat) throws(Untranslatable) -> JSON {
        guard case .chat(let format, let clientBody, let stream, _) = call.operation else {
            var body = call.operation.body
            body["model"] = .string(call.candidate.upstreamModel)
            return body
        }
        let model = call.candidate.upstreamModel
        guard format == upstreamFormat else {
            return try upstreamFormat.request(
                format.conversation(from: clientBody), model: model,
                maxTokensField: call.provider.type == .openai ? "max_completion_tokens" : "max_tokens")
        }
        var body = clientBody
        body["model"] = .string(model)
        // Usage is how the gateway accounts for a stream; the client's wish decides what it sees.
        if stream, format == .openAI { body["stream_options"] = ["include_usage": true] }
        return body
    }

    /// The client's answer from a provider's (non-streamed) one: its bytes as they came when the
    /// formats agree, else the completion written in the client's format under `model`.
    public static func reply(
        _ bytes: ByteBuffer, parsed body: JSON, clientFormat: ChatFormat, upstreamFormat: ChatFormat, model: String
    ) -> UpstreamReply {
        if clientFormat == upstreamFormat {
            return .verbatim(body: bytes, usage: clientFormat.usage(in: body) ?? TokenUsage(input: 0, output: 0))
        }
        var completion = upstreamFormat.completion(from: body)
        completion.model = model
        return .complete(body: clientFormat.response(completion), usage: completion.usage)
    }
}

extension UpstreamCall.Operation {
    /// The client's body.
    var body: JSON {
        switch self {
        case .chat(_, let body, _, _): return body
        case .embeddings(let body): return body
        }
    }
}
