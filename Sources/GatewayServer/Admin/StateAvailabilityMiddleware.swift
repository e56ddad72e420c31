import GatewayStore
import Hummingbird

/// Refuses admin requests at once while the state store cannot be read: a change cannot be
/// written and a read would only show the held state.
///
/// The store is asked for its revision first (within two seconds, on a store that can be unreachable): a request sent as the store
/// goes away would otherwise wait in the connection pool until it gives up, and a credit grant
/// waited 66 s that way. `/healthz` still answers (``AdminAPIHandler``).
struct StateAvailabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    let store: any GatewayStore
    let health: StateHealth

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasPrefix("/admin/") else { return try await next(request, context) }
        if !health.isDown {
            do {
                _ = try await health.bounded(within: .seconds(2)) { [store] in try await store.revision() }
            } catch {
                health.failed(error)
            }
        }
        if !health.isDown { return try await next(request, context) }
        var response = ErrorBody(
            code: "state_unavailable",
            message: "the gateway cannot reach its state store; nothing was changed, retry when it is back"
        ).response(.serviceUnavailable)
        response.headers[.retryAfter] = "5"
        return response
    }
}
