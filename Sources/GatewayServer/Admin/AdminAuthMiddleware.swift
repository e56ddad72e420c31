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
