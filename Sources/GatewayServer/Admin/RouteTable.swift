import HTTPTypes
import Hummingbird

/// The admin API's paths and their methods, to answer 405 (with `Allow`) for a method a path
/// does not support and 404 for a path that does not exist, before any body is read.
/// A test keeps this table equal to the paths of `schemas/admin-api.yaml`.
public struct RouteTable: Sendable {
    public static let admin = RouteTable(routes: [
        ("/healthz", [.get]),
        ("/metrics", [.get]),
        ("/admin/v1/state", [.get]),
        ("/admin/v1/providers/{name}", [.get]),
        ("/admin/v1/policy", [.get]),
        ("/admin/v1/teams/{team}", [.get]),
        ("/admin/v1/teams/{team}/credentials/{name}", [.get]),
        ("/admin/v1/teams/{team}/keys/{name}", [.get]),
        ("/admin/v1/rules/{name}", [.get]),
        ("/admin/v1/issuers/{name}", [.get]),
        ("/admin/v1/changesets", [.post]),
        ("/admin/v1/teams/{team}/credits", [.get, .post]),
        ("/admin/v1/explain", [.post]),
        ("/admin/v1/audit", [.get]),
        ("/admin/v1/usage", [.get]),
        ("/admin/v1/usage/traffic", [.get]),
    ])

    /// The data plane's paths (OpenAI- and Anthropic-compatible), from ``DataPlaneRoute``.
    public static let dataPlane = RouteTable(routes: DataPlaneRoute.allCases.map { ($0.path, [$0.method]) })

    /// Everything gatewayd serves.
    public static let gateway = RouteTable(routes: admin.routes + dataPlane.routes)

    /// What a data-plane listener of its own serves: the data plane, and `/healthz` for the load
    /// balancer in front of it.
    public static let dataPlaneListener = RouteTable(
        routes: admin.routes.filter { $0.path == "/healthz" } + dataPlane.routes)

    /// The routes a listener serving `role` answers; every other path is 404 there.
    public static func serving(_ role: ListenerRole) -> RouteTable {
        switch role {
        case .all: gateway
        case .dataPlane: dataPlaneListener
        case .admin: admin
        }
    }

    public let routes: [(path: String, methods: [HTTPRequest.Method])]
    /// Paths without parameters, looked up whole: every data-plane request is one of these.
    private let literal: [String: [HTTPRequest.Method]]
    /// Paths with parameters, split once.
    private let patterns: [(segments: [Substring], methods: [HTTPRequest.Method])]

    public init(routes: [(path: String, methods: [HTTPRequest.Method])]) {
        self.routes = routes
        var literal: [String: [HTTPRequest.Method]] = [:]
        var patterns: [(segments: [Substring], methods: [HTTPRequest.Method])] = []
        for route in routes {
            if route.path.contains("{") {
                patterns.append((route.path.split(separator: "/", omittingEmptySubsequences: false), route.methods))
            } else {
                literal[route.path] = route.methods
            }
        }
        self.literal = literal
        self.patterns = patterns
    }

    /// The methods allowed on `path`, or nil when no route matches it.
    func methods(for path: String) -> [HTTPRequest.Method]? {
        if let methods = literal[path] { return methods }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for pattern in patterns where pattern.segments.count == segments.count {
            let matches = zip(pattern.segments, segments).allSatisfy { expected, actual in
                (expected.hasPrefix("{") && !actual.isEmpty) || expected == actual
            }
            if matches { return pattern.methods }
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
