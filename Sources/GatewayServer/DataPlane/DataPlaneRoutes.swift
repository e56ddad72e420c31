import HTTPTypes
import Hummingbird

/// gatewayd's responder: the data plane's routes (``DataPlaneRoute``) are matched first, by
/// method and path, and everything else goes to the admin router.
///
/// A proxied request is most of what gatewayd serves, and the admin router would put each one
/// through its trie and the admin API's middleware (route guard, body limit, authentication,
/// state availability). Here it gets the same body rules, answered in the data plane's error
/// shape. A data-plane path asked with another method still reaches the router, whose route
/// guard answers 405 from the same table.
public struct GatewayResponder<Admin: HTTPResponder>: HTTPResponder where Admin.Context == BasicRequestContext {
    /// Nil on a listener serving only the admin API: every path goes to the router, whose route
    /// guard answers 404 for the data plane's.
    let plane: DataPlane?
    let admin: Admin

    public func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        // The handlers answer every failure themselves, in the data plane's error shape. The
        // POST routes read their bodies themselves, after the credential is checked.
        guard let plane, let route = DataPlaneRoute.matching(request.method, request.uri.path) else {
            return try await admin.respond(to: request, context: context)
        }
        let get: (Request) async -> Response
        switch route {
        case .chatCompletions: return await plane.chat(request, format: .openAI)
        case .messages: return await plane.chat(request, format: .anthropic)
        case .responses: return await plane.chat(request, format: .responses)
        case .embeddings: return await plane.embeddings(request)
        case .models: get = plane.models
        case .credits: get = plane.credits
        }
        if let refusal = plane.refusingBody(of: request) { return refusal }
        // As the router does for every GET route: HEAD is the GET's answer without its body.
        return request.method == .head ? await get(request).createHeadResponse() : await get(request)
    }
}

/// Builds ``GatewayResponder`` where Hummingbird expects a router.
public struct GatewayRouter: HTTPResponderBuilder {
    let plane: DataPlane?
    /// The admin API (and the route guard's 404 and 405 for every path).
    public let admin: Router<BasicRequestContext>

    public func buildResponder() -> GatewayResponder<RouterResponder<BasicRequestContext>> {
        GatewayResponder(plane: plane, admin: admin.buildResponder())
    }
}
