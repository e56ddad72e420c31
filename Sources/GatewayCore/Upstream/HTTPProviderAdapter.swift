import Foundation
import GatewayModel
import NIOCore
import NIOHTTP1

/// The HTTP provider types: `openai`, `openai-compatible`, `azure-openai` (OpenAI format,
/// deployment URLs, `api-key`) and `anthropic` (messages format, `x-api-key`). Requests in the
/// other format are translated through ``Conversation`` (a part the provider's format cannot
/// carry throws ``Untranslatable`` before any call); requests in the provider's own format are
/// the client's body with only the model replaced, so fields gatewayd does not know survive.
public struct HTTPProviderAdapter: ProviderAdapter {
    let client: UpstreamClient
    /// The largest upstream body read for a non-streamed answer.
    let maxBodyBytes: Int

    public init(client: UpstreamClient, maxBodyBytes: Int = 64 << 20) {
        self.client = client
        self.maxBodyBytes = maxBodyBytes
    }

    public func send(_ call: UpstreamCall) async throws -> UpstreamReply {
        let clientFormat: ChatFormat
        let stream: Bool
        switch call.operation {
        case .embeddings:
            clientFormat = .openAI
            stream = false
        case .chat(let format, _, let streamed, _):
            clientFormat = format
            stream = streamed
        }
        let upstreamFormat = ProviderWire.upstreamFormat(of: call.provider.type, for: clientFormat)
        let request = try makeRequest(call, upstreamFormat: upstreamFormat)
        let response: UpstreamResponse
        do {
            response = try await client.execute(
                request, timeout: .milliseconds(Int64(call.timeoutSeconds * 1000)), streaming: stream,
                wholeBodyLimit: maxBodyBytes)
        } catch UpstreamClientError.timeout {
            throw UpstreamFailure(.timeout, "no answer within \(call.timeoutSeconds)s")
        } catch {
            throw UpstreamFailure(.connection, String(describing: error))
        }
        guard (200..<300).contains(response.status.code) else {
            let body = try? await response.body.collect(upTo: 1 << 20)
            throw UpstreamFailure(
                .status(Int(response.status.code)), Self.errorMessage(body.map { Array($0.readableBytesView) }))
        }
        switch call.operation {
        case .embeddings:
            let (bytes, body) = try await collect(response)
            return .verbatim(body: bytes, usage: OpenAIChat.usage(in: body) ?? TokenUsage(input: 0, output: 0))
        case .chat(let format, _, let stream, let includeUsage):
            if stream {
                return streamed(
                    response, clientFormat: format, upstreamFormat: upstreamFormat, model: call.candidate.model,
                    includeUsage: includeUsage)
            }
            let (bytes, body) = try await collect(response)
            return ProviderWire.reply(
                bytes, parsed: body, clientFormat: format, upstreamFormat: upstreamFormat, model: call.candidate.model)
        }
    }

    // MARK: Requests

    func makeRequest(_ call: UpstreamCall, upstreamFormat: ChatFormat) throws -> UpstreamRequest {
        let provider = call.provider
        let base = (provider.baseURL ?? "").trimmingSuffix("/")
        let model = call.candidate.upstreamModel
        let body = try ProviderWire.body(of: call, upstreamFormat: upstreamFormat)
        let path: String
        switch call.operation {
        case .embeddings:
            path = "/embeddings"
        case .chat:
            switch upstreamFormat {
            case .anthropic: path = "/v1/messages"
            case .openAI: path = "/chat/completions"
            case .responses: path = "/responses"
            }
        }
        var url = base + path
        if provider.type == .azureOpenAI, upstreamFormat == .responses {
            // Azure's Responses API names the deployment in the body's model, not the path.
            url = base + "/openai" + path + "?api-version=\(call.options["apiVersion"] ?? "2025-04-01-preview")"
        } else if provider.type == .azureOpenAI {
            let version = call.options["apiVersion"] ?? "2024-10-21"
            let deployment = model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? model
            url = base + "/openai/deployments/\(deployment)" + path + "?api-version=\(version)"
        }
        var request: UpstreamRequest
        do {
            request = try UpstreamRequest(url: url)
        } catch {
            throw UpstreamFailure(.connection, error.description)
        }
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "x-request-id", value: call.requestID)
        let forwarded = ForwardedHeaders.select(call.clientHeaders, toward: upstreamFormat)
        for (name, value) in forwarded { request.headers.add(name: name, value: value) }
        let clientVersion = forwarded.contains { $0.name == "anthropic-version" }
        if let secret = call.secret {
            switch provider.type {
            case .anthropic:
                request.headers.add(name: "x-api-key", value: secret)
                if !clientVersion { request.headers.add(name: "anthropic-version", value: "2023-06-01") }
            case .azureOpenAI:
                request.headers.add(name: "api-key", value: secret)
            case .openai, .openaiCompatible, .mock:
                request.headers.add(name: "authorization", value: "Bearer \(secret)")
            }
        } else if provider.type == .anthropic, !clientVersion {
            request.headers.add(name: "anthropic-version", value: "2023-06-01")
        }
        request.body = ByteBuffer(bytes: body.encoded())
        return request
    }

    // MARK: Responses

    /// The answer's bytes, and the JSON they hold (read for usage, or to translate).
    private func collect(_ response: UpstreamResponse) async throws -> (ByteBuffer, JSON) {
        let buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: maxBodyBytes)
        } catch {
            throw UpstreamFailure(.connection, "the answer could not be read: \(error)")
        }
        do {
            return (buffer, try JSON.parse(buffer.readableBytesView))
        } catch {
            throw UpstreamFailure(.status(502), "the answer is not JSON")
        }
    }

    private func streamed(
        _ response: UpstreamResponse, clientFormat: ChatFormat, upstreamFormat: ChatFormat, model: String,
        includeUsage: Bool
    ) -> UpstreamReply {
        let meter = UsageMeter()
        let body = response.body
        let events = AsyncThrowingStream<ServerSentEvent, any Error> { continuation in
            let task = Task {
                var parser = ServerSentEventParser()
                var translator = StreamTranslator(
                    clientFormat: clientFormat, upstreamFormat: upstreamFormat, model: model,
                    includeUsage: includeUsage)
                do {
                    for try await chunk in body {
                        for event in parser.feed(chunk.readableBytesView) {
                            for out in translator.translate(event, meter: meter) { continuation.yield(out) }
                        }
                    }
                    if let event = parser.finish() {
                        for out in translator.translate(event, meter: meter) { continuation.yield(out) }
                    }
                    for out in translator.finish(meter: meter) { continuation.yield(out) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: UpstreamFailure(.connection, "the stream broke: \(error)"))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return .stream(events, usage: meter)
    }

    /// The message in an error body of either format, or the start of the body.
    static func errorMessage(_ bytes: [UInt8]?) -> String {
        guard let bytes, !bytes.isEmpty else { return "no details" }
        if let body = try? JSON.parse(bytes), let message = body["error"]?["message"]?.string ?? body["message"]?.string
        {
            return String(message.prefix(500))
        }
        return String(decoding: bytes.prefix(300), as: UTF8.self)
    }
}

/// Carries upstream stream events to the client's format, reading usage on the way. Events
/// already in the client's format pass as they came.
struct StreamTranslator {
    let clientFormat: ChatFormat
    let upstreamFormat: ChatFormat
    let includeUsage: Bool
    private var decoder: ChatStreamDecoder
    private var encoder: ChatStreamEncoder

    init(clientFormat: ChatFormat, upstreamFormat: ChatFormat, model: String, includeUsage: Bool) {
        self.clientFormat = clientFormat
        self.upstreamFormat = upstreamFormat
        self.includeUsage = includeUsage
        decoder = ChatStreamDecoder(format: upstreamFormat)
        encoder = ChatStreamEncoder(format: clientFormat, model: model, includeUsage: includeUsage)
    }

    mutating func translate(_ event: ServerSentEvent, meter: UsageMeter) -> [ServerSentEvent] {
        let parts = decoder.parts(event)
        meter.record(parts)
        guard clientFormat == upstreamFormat else { return parts.flatMap { encoder.events($0) } }
        // The gateway asked an OpenAI upstream for usage; a client that did not gets no usage chunk.
        if clientFormat == .openAI, !includeUsage, parts.count == 1, case .usage = parts[0] { return [] }
        return [event]
    }

    /// What a translated stream still owes its client when the upstream closed without its end
    /// event: the closing events, so the client's SDK sees a complete stream.
    mutating func finish(meter: UsageMeter) -> [ServerSentEvent] {
        guard clientFormat != upstreamFormat else { return [] }
        return decoder.finish().flatMap { encoder.events($0) }
    }
}

extension String {
    func trimmingSuffix(_ suffix: Character) -> String {
        var text = self
        while text.last == suffix { text.removeLast() }
        return text
    }
}
