import GatewayModel
import HTTPTypes
import Hummingbird

/// Caps request bodies and requires JSON on requests that carry one, for both planes.
struct RequestBodyLimit: Sendable {
    let maxBytes: Int

    /// Reads the body of a request that carries one into memory, or answers why it may not:
    /// 413 past the limit (by `Content-Length` before reading, or while reading), 415 for a body
    /// that is not JSON, 400 for an admin body holding `null`.
    func read(_ request: inout Request) async throws -> Response? {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            return tooLarge()
        }
        guard request.method == .post || request.method == .put || request.method == .patch else {
            return nil
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        if !contentType.hasPrefix("application/json") {
            return ErrorBody(
                code: "unsupported_media_type", message: "send the request body as application/json"
            ).response(.unsupportedMediaType)
        }
        do {
            let buffer = try await request.body.collect(upTo: maxBytes)
            // Admin bodies never need null; data-plane bodies are the SDKs' and may hold it.
            let admin = request.uri.path.hasPrefix("/admin/")
            // A body that is not JSON at all is left to the handler, whose decoder says why.
            if admin, let document = try? buffer.withUnsafeReadableBytes({ try JSON.parse($0) }),
                let null = document.firstNullPath()
            {
                return ErrorBody(
                    code: "invalid_request",
                    message: "null at \(null): the admin API takes no null values; omit the field instead"
                ).response(.badRequest)
            }
            request.body = .init(buffer: buffer)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return tooLarge()
        }
        return nil
    }

    private func tooLarge() -> Response {
        ErrorBody(code: "body_too_large", message: "request bodies are limited to \(maxBytes) bytes")
            .response(.contentTooLarge)
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
        if let refusal = try await limit.read(&request) { return refusal }
        return try await next(request, context)
    }
}
