import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime

/// Turns errors that escape handlers (unknown routes, malformed bodies the generated code rejects)
/// into the same JSON error shape as everything else, with a stable code. An error that is not the
/// client's is a 500 `internal` whose detail goes to the log under the request's id, never into
/// the answer.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, to: request, logger: context.logger)
        }
    }

    /// The answer to `request` when its handler threw `error`.
    static func response(for error: any Error, to request: Request, logger: Logger) -> Response {
        guard let error = error as? HTTPError else {
            // The generated server reports input it cannot decode as a ServerError: the client's
            // mistake, a 400 with the decoder's reason. The handlers answer their own failures,
            // so anything else reaching here is the gateway's.
            if let serverError = error as? ServerError,
                serverError.underlyingError is DecodingError || serverError.httpStatus.code < 500
            {
                let reason = String(describing: error)
                return ErrorBody(
                    code: "invalid_request", message: "the request could not be read: \(reason.prefix(300))"
                )
                .response(.badRequest)
            }
            logger.error(
                "request failed",
                metadata: [
                    "method": .stringConvertible(request.method), "path": .string(request.uri.path),
                    "error": .string(String(describing: error)),
                ])
            return ErrorBody(code: "internal", message: "the gateway could not complete the request")
                .response(.internalServerError)
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
