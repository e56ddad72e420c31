import HTTPTypes
import Hummingbird

/// Authenticates `/admin` requests with a bearer token and enforces roles: readers may only
/// read (GET, HEAD); anything else needs a writer. Other paths pass through untouched.
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: AdminTokens

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard request.uri.path.hasPrefix("/admin/") else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            return ErrorBody(code: "unauthorized", message: "an admin token is required: Authorization: Bearer <token>")
                .response(.unauthorized)
        }
        guard let principal = tokens.authenticate(String(header.dropFirst("Bearer ".count))) else {
            return ErrorBody(code: "unauthorized", message: "the admin token is not valid").response(.unauthorized)
        }
        let reads = request.method == .get || request.method == .head
        if !reads, principal.role != .writer {
            return ErrorBody(
                code: "forbidden_role",
                message: "token '\(principal.name)' has the role \(principal.role.rawValue); this request needs writer"
            ).response(.forbidden)
        }
        return try await AdminPrincipal.$current.withValue(principal) {
            try await next(request, context)
        }
    }
}

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
            let null = buffer.withUnsafeReadableBytes { JSONNullScan.firstNull(in: Array($0)) }
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
