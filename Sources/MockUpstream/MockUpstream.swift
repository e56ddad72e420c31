import Foundation
import GatewayCore
import GatewayModel
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

/// A provider stand-in that speaks the OpenAI (chat, embeddings, Azure deployment paths) and
/// Anthropic (messages) wire formats over HTTP, with the deterministic `MockModel` behind it.
/// Tests and benchmarks point Provider `baseURL`s at it and tell it to fail, stall or stream slowly.
public final class MockUpstream: Sendable {
    /// How the upstream misbehaves; the default answers every request at once.
    public struct Behaviour: Sendable, Hashable {
        /// Answer every request with this status (and an error body in the caller's format).
        public var failStatus: Int?
        /// Wait this long before answering.
        public var stallSeconds: Double
        /// Wait this long between streamed events.
        public var eventDelaySeconds: Double

        public init(failStatus: Int? = nil, stallSeconds: Double = 0, eventDelaySeconds: Double = 0) {
            self.failStatus = failStatus
            self.stallSeconds = stallSeconds
            self.eventDelaySeconds = eventDelaySeconds
        }
    }

    /// A request as the upstream saw it: for tests that assert which credential the gateway used.
    public struct Received: Sendable, Hashable {
        public var path: String
        public var model: String?
        /// The credential sent, from `authorization`, `x-api-key` or `api-key`.
        public var credential: String?
        /// The body's bytes as they arrived.
        public var body: [UInt8] = []
        /// Every header but the credential ones, lowercased names.
        public var headers: [String: String] = [:]
    }

    private let behaviourBox: NIOLockedValueBox<Behaviour>
    private let receivedBox = NIOLockedValueBox<[Received]>([])

    public init(_ behaviour: Behaviour = Behaviour()) {
        behaviourBox = NIOLockedValueBox(behaviour)
    }

    public var behaviour: Behaviour {
        get { behaviourBox.withLockedValue { $0 } }
        set { behaviourBox.withLockedValue { $0 = newValue } }
    }

    /// Every request answered so far, oldest first.
    public var received: [Received] { receivedBox.withLockedValue { $0 } }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in try await self.answer(request, format: .openAI) }
        router.post("/openai/deployments/{deployment}/chat/completions") { request, _ in
            try await self.answer(request, format: .openAI)
        }
        router.post("/v1/messages") { request, _ in try await self.answer(request, format: .anthropic) }
        router.post("/v1/responses") { request, _ in try await self.answer(request, format: .responses) }
        router.post("/openai/responses") { request, _ in try await self.answer(request, format: .responses) }
        router.post("/v1/embeddings") { request, _ in try await self.embed(request) }
        router.post("/openai/deployments/{deployment}/embeddings") { request, _ in try await self.embed(request) }
        // For tests in other processes: what the provider received, and a reset.
        router.get("/_mock/received") { _, _ in Self.json(self.receivedJSON().encoded()) }
        router.delete("/_mock/received") { _, _ in
            self.reset()
            return Response(status: .noContent)
        }
        return router
    }

    private func answer(_ request: Request, format: ChatFormat) async throws -> Response {
        let body = try await read(request)
        let model = body["model"]?.string ?? "mock"
        if let problem = ProviderRules.check(body, format: format) {
            return Self.error(status: 400, message: problem, format: format, type: "invalid_request_error")
        }
        if let failure = try await misbehave(model: model, format: format) { return failure }
        let prefix = ["openai": "chatcmpl-", "anthropic": "msg_", "responses": "resp_"][format.rawValue] ?? ""
        let completion: Completion
        do {
            completion = try MockModel.completion(
                for: body, format: format, model: model, id: prefix + UUID().uuidString.prefix(8).lowercased())
        } catch {
            return Self.error(status: 400, message: error.description, format: format, type: "invalid_request_error")
        }
        guard body["stream"]?.bool == true else { return Self.json(format.response(completion).encoded()) }
        var encoder = ChatStreamEncoder(
            format: format, model: model, includeUsage: body["stream_options"]?["include_usage"]?.bool == true)
        var parts = MockModel.parts(of: completion)
        // `break-stream` stops part-way with the provider's own mid-stream error; `cut-stream`
        // just closes the connection part-way.
        if model == "break-stream" || model == "cut-stream" {
            parts = Array(parts.prefix(3))
            if model == "break-stream" { parts.append(.failure("mock upstream: overloaded")) }
        }
        let events = parts.flatMap { encoder.events($0) }
        let delay = behaviour.eventDelaySeconds
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                for event in events {
                    if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
                    try await writer.write(ByteBuffer(bytes: event.bytes))
                }
                try await writer.finish(nil)
            })
    }

    private func embed(_ request: Request) async throws -> Response {
        let body = try await read(request)
        let model = body["model"]?.string ?? "mock"
        if let failure = try await misbehave(model: model, format: .openAI) { return failure }
        return Self.json(MockModel.embeddings(for: body, model: model).body.encoded())
    }

    private func read(_ request: Request) async throws -> JSON {
        let buffer = try await request.body.collect(upTo: 16 << 20)
        let body = (try? JSON.parse(buffer.readableBytesView)) ?? .object([:])
        let credential =
            request.headers[.authorization].map { String($0.dropFirst("Bearer ".count)) }
            ?? request.headers[HTTPField.Name("x-api-key")!] ?? request.headers[HTTPField.Name("api-key")!]
        var headers: [String: String] = [:]
        for field in request.headers
        where !["authorization", "x-api-key", "api-key"].contains(field.name.canonicalName) {
            headers[field.name.canonicalName] = field.value
        }
        let received = Received(
            path: request.uri.path, model: body["model"]?.string, credential: credential,
            body: Array(buffer.readableBytesView), headers: headers)
        receivedBox.withLockedValue { $0.append(received) }
        return body
    }

    /// The failure to answer with, if the behaviour or the model name asks for one.
    private func misbehave(model: String, format: ChatFormat) async throws -> Response? {
        let behaviour = self.behaviour
        if behaviour.stallSeconds > 0 { try await Task.sleep(for: .seconds(behaviour.stallSeconds)) }
        var status = behaviour.failStatus
        switch MockModel.behaviour(of: model) {
        case .error(let code): status = code
        case .stall: try await Task.sleep(for: .seconds(3600))
        case .reply: break
        }
        guard let status else { return nil }
        return Self.error(status: status, message: "mock upstream answers \(status)", format: format, type: "api_error")
    }

    /// An error in the provider's own shape.
    static func error(status: Int, message: String, format: ChatFormat, type: String) -> Response {
        let body: JSON =
            format != .anthropic
            ? ["error": ["message": .string(message), "type": .string(type), "param": nil, "code": nil]]
            : ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
        var response = Self.json(body.encoded())
        response.status = HTTPResponse.Status(code: status)
        return response
    }

    /// Every request received, as `[{path, credential, headers, body, raw}]`: the body parsed, and its own text.
    func receivedJSON() -> JSON {
        .array(
            received.map { item in
                let body = (try? JSON.parse(item.body)) ?? .string(String(decoding: item.body, as: UTF8.self))
                var headers = JSONObject()
                for (name, value) in item.headers.sorted(by: { $0.key < $1.key }) { headers[name] = .string(value) }
                return [
                    "path": .string(item.path), "credential": item.credential.map(JSON.string) ?? .null,
                    "headers": .object(headers), "body": body,
                    "raw": .string(String(decoding: item.body, as: UTF8.self)),
                ]
            })
    }

    /// Forgets what was received.
    public func reset() { receivedBox.withLockedValue { $0 = [] } }

    private static func json(_ data: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
