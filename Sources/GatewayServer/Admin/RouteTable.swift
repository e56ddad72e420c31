import HTTPTypes
import Hummingbird

/// The admin API's paths and their methods, to answer 405 (with `Allow`) for a method a path
/// does not support and 404 for a path that does not exist, before any body is read.
/// A test keeps this table equal to the paths of `schemas/admin-api.yaml`.
public struct RouteTable: Sendable {
    public static let admin = RouteTable(routes: [
        ("/healthz", [.get]),
        ("/admin/v1/state", [.get]),
        ("/admin/v1/providers/{name}", [.get]),
        ("/admin/v1/policy", [.get]),
        ("/admin/v1/teams/{team}", [.get]),
        ("/admin/v1/teams/{team}/credentials/{name}", [.get]),
        ("/admin/v1/teams/{team}/keys/{name}", [.get]),
        ("/admin/v1/rules/{name}", [.get]),
        ("/admin/v1/changesets", [.post]),
        ("/admin/v1/teams/{team}/credits", [.get, .post]),
        ("/admin/v1/explain", [.post]),
        ("/admin/v1/audit", [.get]),
        ("/admin/v1/usage", [.get]),
    ])

    /// The data plane's paths (OpenAI- and Anthropic-compatible).
    public static let dataPlane = RouteTable(routes: [
        ("/v1/chat/completions", [.post]),
        ("/v1/messages", [.post]),
        ("/v1/embeddings", [.post]),
        ("/v1/models", [.get]),
        ("/v1/credits", [.get]),
    ])

    /// Everything gatewayd serves.
    public static let gateway = RouteTable(routes: admin.routes + dataPlane.routes)

    public let routes: [(path: String, methods: [HTTPRequest.Method])]

    /// The methods allowed on `path`, or nil when no route matches it.
    func methods(for path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for route in routes {
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            guard pattern.count == segments.count else { continue }
            let matches = zip(pattern, segments).allSatisfy { expected, actual in
                (expected.hasPrefix("{") && !actual.isEmpty) || expected == actual
            }
            if matches { return route.methods }
        }
        return nil
    }
}

/// Answers 404 and 405 from the route table, before authentication reads a token or a body is read.
struct RouteGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard let methods = table.methods(for: request.uri.path) else {
            return ErrorBody(code: "not_found", message: "no route \(request.uri.path)").response(.notFound)
        }
        let allowed = methods + (methods.contains(.get) ? [.head] : [])
        guard allowed.contains(request.method) else {
            var response = ErrorBody(
                code: "method_not_allowed",
                message:
                    "\(request.method) is not allowed on \(request.uri.path); allowed: \(allowed.map(\.rawValue).joined(separator: ", "))"
            ).response(.methodNotAllowed)
            response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            return response
        }
        return try await next(request, context)
    }
}
