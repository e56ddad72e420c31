import GatewayModel
import HTTPTypes
import Hummingbird

/// The request-body rules of both planes, in one place: bodies are capped at `maxBytes` and
/// a request that carries one sends JSON. Each plane answers a ``Violation`` in its own
/// clients' error shape (the admin API's `ErrorBody`, the data plane's provider-shaped errors).
struct RequestBodyLimit: Sendable {
    let maxBytes: Int

    /// What the rules refuse before a byte of the body is read.
    enum Violation: Sendable {
        /// The declared `Content-Length` is past the limit (or the body grew past it while read).
        case tooLarge
        /// A POST, PUT or PATCH whose body is not `application/json`.
        case notJSON
    }

    /// The first rule `request`'s headers break, or nil.
    func violation(before request: Request) -> Violation? {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes { return .tooLarge }
        guard Self.carriesBody(request.method) else { return nil }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        return contentType.hasPrefix("application/json") ? nil : .notJSON
    }

    static func carriesBody(_ method: HTTPRequest.Method) -> Bool {
        method == .post || method == .put || method == .patch
    }

    var tooLargeMessage: String { "request bodies are limited to \(maxBytes) bytes" }
    static let notJSONMessage = "send the request body as application/json"

    /// Reads an admin request's body into memory, or answers why it may not: 413 past the limit
    /// (declared, or while reading), 415 for a body that is not JSON, 400 for a body holding `null`.
    func readAdmin(_ request: inout Request) async throws -> Response? {
        if let violation = violation(before: request) { return adminResponse(violation) }
        guard Self.carriesBody(request.method) else { return nil }
        do {
            let buffer = try await request.body.collect(upTo: maxBytes)
            // Admin bodies never need null. A body that is not JSON at all is left to the
            // handler, whose decoder says why.
            if let document = try? buffer.withUnsafeReadableBytes({ try JSON.parse($0) }),
                let null = document.firstNullPath()
            {
                return ErrorBody(
                    code: "invalid_request",
                    message: "null at \(null): the admin API takes no null values; omit the field instead"
                ).response(.badRequest)
            }
            request.body = .init(buffer: buffer)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return adminResponse(.tooLarge)
        }
        return nil
    }

    private func adminResponse(_ violation: Violation) -> Response {
        switch violation {
        case .tooLarge: ErrorBody(code: "body_too_large", message: tooLargeMessage).response(.contentTooLarge)
        case .notJSON:
            ErrorBody(code: "unsupported_media_type", message: Self.notJSONMessage).response(.unsupportedMediaType)
        }
    }
}

/// The admin router's use of ``RequestBodyLimit``.
struct RequestBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: RequestBodyLimit

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        var request = request
        if let refusal = try await limit.readAdmin(&request) { return refusal }
        return try await next(request, context)
    }
}
