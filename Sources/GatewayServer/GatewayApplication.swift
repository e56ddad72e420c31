import AdminAPI
import GatewayCore
import GatewayStore
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime

/// How gatewayd listens and what it accepts.
public struct GatewayConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body accepted, in bytes (a 100k-key changeset is about 30 MB).
    public var maxBodyBytes: Int
    /// How long a provider may take to answer before the next candidate is tried (504 when none is left).
    public var upstreamTimeoutSeconds: Double
    /// How often the data plane looks for changes made by other writers of the state.
    public var reloadInterval: Duration
    /// How often the keys' last-use times are written to the state.
    public var keyUseFlushInterval: Duration
    /// Connections kept open to each provider endpoint. Every request in flight holds one for its
    /// whole upstream call, so this caps the requests in flight per provider; a pool of 8 capped a
    /// loaded gatewayd at ~4,400 requests/s on a 1-ms upstream.
    public var upstreamConnectionsPerHost: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 64 << 20,
        upstreamTimeoutSeconds: Double = 120, reloadInterval: Duration = .milliseconds(500),
        keyUseFlushInterval: Duration = .seconds(1), upstreamConnectionsPerHost: Int = 512
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.upstreamTimeoutSeconds = upstreamTimeoutSeconds
        self.reloadInterval = reloadInterval
        self.keyUseFlushInterval = keyUseFlushInterval
        self.upstreamConnectionsPerHost = upstreamConnectionsPerHost
    }
}

/// What the admin API and the data plane share: the configuration snapshot and the rate limits.
public struct GatewayRuntime: Sendable {
    let cache: SnapshotCache
    let limiter: RateLimiter
    let activity: KeyActivity
    let usageWriter: UsageWriter
    let spend: SpendView
    let configuration: GatewayConfiguration

    public init(store: any GatewayStore, configuration: GatewayConfiguration, logger: Logger) {
        cache = SnapshotCache(store: store)
        limiter = RateLimiter()
        activity = KeyActivity()
        usageWriter = UsageWriter(store: store, logger: logger)
        spend = SpendView(store: store, usage: usageWriter)
        self.configuration = configuration
    }
}

/// Builds the gatewayd HTTP application: the admin API over a store, behind authentication.
public enum GatewayApplication {
    /// The client gatewayd calls providers with; the caller shuts it down after the server stops.
    public static func upstreamClient(_ configuration: GatewayConfiguration) -> UpstreamClient {
        UpstreamClient(configuration: .init(connectionsPerEndpoint: configuration.upstreamConnectionsPerHost))
    }

    /// The router, separate from the application so tests can drive it in-process.
    public static func router(
        store: any GatewayStore, tokens: AdminTokens, configuration: GatewayConfiguration, logger: Logger,
        runtime: GatewayRuntime? = nil, upstream: UpstreamClient = .shared
    ) throws -> Router<BasicRequestContext> {
        let runtime = runtime ?? GatewayRuntime(store: store, configuration: configuration, logger: logger)
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: RouteGuardMiddleware(table: .gateway))
        router.add(middleware: RequestBodyMiddleware(maxBytes: configuration.maxBodyBytes))
        router.add(middleware: AdminAuthMiddleware(tokens: tokens))
        router.add(middleware: StateResponder(store: store, logger: logger))
        // Compact JSON: a 100k-key state is tens of megabytes, and indentation would add a third.
        try AdminAPIHandler(
            store: store, cache: runtime.cache, limiter: runtime.limiter, usageWriter: runtime.usageWriter,
            spend: runtime.spend, logger: logger
        )
        .registerHandlers(on: router, configuration: .init(jsonEncodingOptions: [.withoutEscapingSlashes]))
        let plane = DataPlane(
            store: store, cache: runtime.cache, limiter: runtime.limiter, activity: runtime.activity,
            usageWriter: runtime.usageWriter, spend: runtime.spend,
            dispatch: UpstreamDispatch(
                http: HTTPProviderAdapter(client: upstream), vault: store,
                timeoutSeconds: configuration.upstreamTimeoutSeconds),
            logger: logger)
        router.post("/v1/chat/completions") { request, _ in try await plane.chat(request, format: .openAI) }
        router.post("/v1/messages") { request, _ in try await plane.chat(request, format: .anthropic) }
        router.post("/v1/embeddings") { request, _ in try await plane.embeddings(request) }
        router.get("/v1/models") { request, _ in try await plane.models(request) }
        router.get("/v1/credits") { request, _ in try await plane.credits(request) }
        return router
    }

    public static func application(
        store: any GatewayStore, tokens: AdminTokens, configuration: GatewayConfiguration, logger: Logger,
        upstream: UpstreamClient = .shared, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let runtime = GatewayRuntime(store: store, configuration: configuration, logger: logger)
        return Application(
            router: try router(
                store: store, tokens: tokens, configuration: configuration, logger: logger, runtime: runtime,
                upstream: upstream),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "gatewayd"),
            services: [
                SnapshotRefresher(
                    cache: runtime.cache, feed: store as? any StateChangeFeed, interval: configuration.reloadInterval,
                    logger: logger),
                UsageRecorder(writer: runtime.usageWriter),
                KeyActivityRecorder(
                    activity: runtime.activity, store: store, interval: configuration.keyUseFlushInterval,
                    logger: logger),
            ],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}

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
        } catch let error as HTTPError {
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
        } catch {
            // The generated server reports undecodable input as a ServerError; everything it
            // refuses is the client's mistake, so it is a 400 with the decoder's reason.
            let reason = String(describing: error)
            return ErrorBody(code: "invalid_request", message: "the request could not be read: \(reason.prefix(300))")
                .response(.badRequest)
        }
    }
}
