import HTTPTypes

/// The data plane's routes, the one list of them: ``RouteTable/dataPlane`` (and so the route
/// guard's 404 and 405) and ``GatewayResponder``'s dispatch are derived from it, and the
/// responder's `switch` over it is exhaustive, so a route added here is served or fails to build.
enum DataPlaneRoute: CaseIterable, Sendable {
    case chatCompletions, messages, responses, embeddings, models, credits

    /// The route's path (OpenAI- and Anthropic-compatible).
    var path: String {
        switch self {
        case .chatCompletions: "/v1/chat/completions"
        case .messages: "/v1/messages"
        case .responses: "/v1/responses"
        case .embeddings: "/v1/embeddings"
        case .models: "/v1/models"
        case .credits: "/v1/credits"
        }
    }

    /// The method the route answers; a GET route answers HEAD too.
    var method: HTTPRequest.Method {
        switch self {
        case .chatCompletions, .messages, .responses, .embeddings: .post
        case .models, .credits: .get
        }
    }

    private static let byPath: [String: DataPlaneRoute] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.path, $0) })

    /// The route `method` and `path` ask for, or nil (another path, or a method the route does
    /// not answer: the route guard then says 404 or 405).
    static func matching(_ method: HTTPRequest.Method, _ path: String) -> DataPlaneRoute? {
        guard let route = byPath[path] else { return nil }
        return method == route.method || (method == .head && route.method == .get) ? route : nil
    }
}
