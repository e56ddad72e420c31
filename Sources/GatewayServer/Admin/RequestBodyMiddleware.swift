import HTTPTypes
import Hummingbird

/// Caps request bodies and requires JSON on requests that carry one.
struct RequestBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        var request = request
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            return tooLarge()
        }
        guard request.method == .post || request.method == .put || request.method == .patch else {
            return try await next(request, context)
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
            let null = admin ? buffer.withUnsafeReadableBytes { JSONNullScan.firstNull(in: Array($0)) } : nil
            if let null {
                return ErrorBody(
                    code: "invalid_request",
                    message: "null at byte \(null): the admin API takes no null values; omit the field instead"
                ).response(.badRequest)
            }
            request.body = .init(buffer: buffer)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return tooLarge()
        }
        return try await next(request, context)
    }

    private func tooLarge() -> Response {
        ErrorBody(code: "body_too_large", message: "request bodies are limited to \(maxBytes) bytes")
            .response(.contentTooLarge)
    }
}
