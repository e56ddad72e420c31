import HTTPTypes
import Hummingbird

/// gatewayd's responder: the data plane's six routes are matched first, by method and path,
/// and everything else goes to the admin router.
///
/// A proxied request is most of what gatewayd serves, and the admin router would put each one
/// through its trie and five middleware (error mapping, route guard, body limit, admin
/// authentication, the state responder), four of which only concern the admin API. Here it gets
/// the same body rules, answered in the data plane's error shape. A data-plane path asked with another
/// method still reaches the router, whose route guard answers 405.
public struct GatewayResponder<Admin: HTTPResponder>: HTTPResponder where Admin.Context == BasicRequestContext {
    let plane: DataPlane
    let admin: Admin

    public func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        // The handlers answer every failure themselves, in the data plane's error shape. The
        // POST routes read their bodies themselves, after the credential is checked.
        let route: (Request) async -> Response
        switch (request.method, request.uri.path) {
        case (.post, "/v1/chat/completions"): return await plane.chat(request, format: .openAI)
        case (.post, "/v1/messages"): return await plane.chat(request, format: .anthropic)
        case (.post, "/v1/responses"): return await plane.chat(request, format: .responses)
        case (.post, "/v1/embeddings"): return await plane.embeddings(request)
        case (.get, "/v1/models"): route = plane.models
        case (.get, "/v1/credits"): route = plane.credits
        // As the router does for every GET route: the GET's answer without its body.
        case (.head, "/v1/models"): route = { await plane.models($0).createHeadResponse() }
        case (.head, "/v1/credits"): route = { await plane.credits($0).createHeadResponse() }
        default: return try await admin.respond(to: request, context: context)
        }
        if let refusal = plane.refusingBody(of: request) { return refusal }
        return await route(request)
    }
}

/// Builds ``GatewayResponder`` where Hummingbird expects a router.
public struct GatewayRouter: HTTPResponderBuilder {
    let plane: DataPlane
    /// The admin API (and the route guard's 404 and 405 for every path).
    public let admin: Router<BasicRequestContext>

    public func buildResponder() -> GatewayResponder<RouterResponder<BasicRequestContext>> {
        GatewayResponder(plane: plane, admin: admin.buildResponder())
    }
}
