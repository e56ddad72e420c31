import HTTPTypes
import Hummingbird

/// Turns errors that escape handlers (unknown routes, malformed bodies the generated code rejects)
/// into the same JSON error shape as everything else, with a stable code.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, to: request)
        }
    }

    /// The answer to `request` when its handler threw `error`.
    static func response(for error: any Error, to request: Request) -> Response {
        guard let error = error as? HTTPError else {
            // The generated server reports undecodable input as a ServerError; everything it
            // refuses is the client's mistake, so it is a 400 with the decoder's reason.
            let reason = String(describing: error)
            return ErrorBody(code: "invalid_request", message: "the request could not be read: \(reason.prefix(300))")
                .response(.badRequest)
        }
        switch error.status {
        case .notFound:
            return ErrorBody(code: "not_found", message: "no route \(request.method) \(request.uri.path)")
                .response(.notFound)
        case .methodNotAllowed:
            return ErrorBody(code: "method_not_allowed", message: "\(request.method) is not allowed here")
                .response(.methodNotAllowed)
        case .contentTooLarge:
            return ErrorBody(code: "body_too_large", message: "the request body is too large")
                .response(.contentTooLarge)
        default:
            return ErrorBody(code: "invalid_request", message: error.body ?? "the request is invalid")
                .response(error.status.code >= 500 ? .internalServerError : .badRequest)
        }
    }
}
