import HTTPTypes
import Hummingbird

/// Authenticates `/admin` requests with a bearer token and enforces roles: readers may only
/// read (GET, HEAD, and POSTs that ask rather than change, like explain); anything else needs a writer.
/// `/metrics` needs a token too (any role): a scrape shows every team's traffic. Other paths
/// (the data plane, `/healthz`) pass through untouched.
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: AdminTokens
    /// OIDC tokens mapped to roles by the issuers' admin grants.
    let identities: AdminIdentities?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard Self.protects(request.uri.path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            return ErrorBody(code: "unauthorized", message: "an admin token is required: Authorization: Bearer <token>")
                .response(.unauthorized)
        }
        let presented = String(header.dropFirst("Bearer ".count))
        let principal: AdminPrincipal
        if let found = tokens.authenticate(presented) {
            principal = found
        } else if let identities, TokenVerifier.looksLikeJWT(presented) {
            switch await identities.principal(for: presented) {
            case .success(let found): principal = found
            case .failure(let refusal):
                let status: HTTPResponse.Status = refusal.status == 503 ? .serviceUnavailable : .unauthorized
                let message = refusal.message + (refusal.hint.map { "; \($0)" } ?? "")
                return ErrorBody(code: refusal.code.rawValue, message: message).response(status)
            }
        } else {
            return ErrorBody(code: "unauthorized", message: "the admin token is not valid").response(.unauthorized)
        }
        let reads =
            request.method == .get || request.method == .head
            || (request.method == .post && Self.readingPosts.contains(request.uri.path))
        if !reads, principal.role != .writer {
            return ErrorBody(
                code: "forbidden_role",
                message: "'\(principal.name)' has the role \(principal.role.rawValue); this request needs writer"
            ).response(.forbidden)
        }
        return try await AdminPrincipal.$current.withValue(principal) {
            try await next(request, context)
        }
    }

    /// Whether `path` is the admin API's or the metrics'.
    static func protects(_ path: String) -> Bool { path.hasPrefix("/admin/") || path == "/metrics" }

    /// POST routes that only read (their body is a question, not a change): readers may call them.
    static var readingPosts: Set<String> { ["/admin/v1/explain"] }
}
