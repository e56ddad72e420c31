import AdminAPI
import GatewayCore
import GatewayModel
import GatewayStore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle

/// How gatewayd listens and what it accepts.
public struct GatewayConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Where the admin API and `/metrics` listen when they have a listener of their own; nil:
    /// on the data plane's (``ListenerRole``).
    public var adminListener: ListenAddress?
    /// The main listener's certificate and key; nil: plain HTTP.
    public var tls: TLSCertificates?
    /// The admin listener's certificate and key (with ``adminListener``); nil: plain HTTP.
    public var adminTLS: TLSCertificates?
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
    /// How old an issuer's cached signing keys get before a background fetch replaces them.
    public var signingKeyRefreshInterval: Duration = .seconds(300)
    /// The least time between fetches prompted by tokens naming an unknown signing key.
    public var unknownSigningKeyInterval: Duration = .seconds(30)
    /// The request-body bytes the data plane holds at once across all requests (``BodyBudget``).
    public var maxBodyBytesInFlight: Int = 256 << 20
    /// Timeouts and the cap on client connections.
    public var connections = ConnectionLimits()
    /// How long after its last successful read of the state store the data plane keeps serving
    /// the state it holds while the store cannot be read (``StateHealth``).
    public var staleStateLimit: Duration = .seconds(600)
    /// How long shutdown may take: in-flight requests get most of it, the last usage write half
    /// of it, and gatewayd exits at the end of it whatever still waits.
    public var drainTimeout: Duration = .seconds(15)
    /// How often instances sharing a PostgreSQL state exchange rate-limit counts (``RateLimitSync``).
    public var rateLimitSyncInterval: Duration = .milliseconds(250)

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
    let verifier: TokenVerifier
    let bodyBudget: BodyBudget
    /// What `GET /metrics` serves.
    public let metrics: GatewayMetrics
    let configuration: GatewayConfiguration

    public init(
        store: any GatewayStore, configuration: GatewayConfiguration, logger: Logger, upstream: UpstreamClient = .shared
    ) {
        let health = StateHealth(
            staleLimit: configuration.staleStateLimit, readLimit: store.mayBeUnreachable ? .seconds(1) : nil,
            logger: logger)
        cache = SnapshotCache(store: store, health: health)
        limiter = RateLimiter()
        activity = KeyActivity()
        usageWriter = UsageWriter(store: store, logger: logger, health: health)
        spend = SpendView(store: store, usage: usageWriter, health: health)
        verifier = TokenVerifier(
            keys: SigningKeys(
                client: upstream, logger: logger, refreshInterval: configuration.signingKeyRefreshInterval,
                unknownKeyInterval: configuration.unknownSigningKeyInterval))
        bodyBudget = BodyBudget(capacity: configuration.maxBodyBytesInFlight)
        metrics = GatewayMetrics()
        self.configuration = configuration
    }
}

/// Builds the gatewayd HTTP application: the admin API over a store, behind authentication.
public enum GatewayApplication {
    /// The client gatewayd calls providers with; the caller shuts it down after the server stops.
    public static func upstreamClient(_ configuration: GatewayConfiguration) -> UpstreamClient {
        UpstreamClient(configuration: .init(connectionsPerEndpoint: configuration.upstreamConnectionsPerHost))
    }

    /// The router, separate from the application so tests can drive it in-process. `providers`
    /// replaces the HTTP adapter for the HTTP provider types (benchmarks answer them in-process).
    /// `role` picks what the router answers; every other path is 404.
    public static func router(
        store: any GatewayStore, tokens: AdminTokens, configuration: GatewayConfiguration, logger: Logger,
        runtime: GatewayRuntime? = nil, upstream: UpstreamClient = .shared, providers: (any ProviderAdapter)? = nil,
        serving role: ListenerRole = .all
    ) throws -> GatewayRouter {
        let runtime =
            runtime ?? GatewayRuntime(store: store, configuration: configuration, logger: logger, upstream: upstream)
        let bodyLimit = RequestBodyLimit(maxBytes: configuration.maxBodyBytes)
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: RouteGuardMiddleware(table: .serving(role)))
        router.add(middleware: RequestBodyMiddleware(limit: bodyLimit))
        router.add(
            middleware: AdminAuthMiddleware(
                tokens: tokens, identities: AdminIdentities(cache: runtime.cache, verifier: runtime.verifier)))
        router.add(middleware: StateAvailabilityMiddleware(store: store, health: runtime.cache.health))
        router.add(middleware: StateResponder(store: store, logger: logger))
        // Compact JSON: a 100k-key state is tens of megabytes, and indentation would add a third.
        try AdminAPIHandler(
            store: store, cache: runtime.cache, limiter: runtime.limiter, usageWriter: runtime.usageWriter,
            spend: runtime.spend, metrics: runtime.metrics, logger: logger
        )
        .registerHandlers(on: router, configuration: .init(jsonEncodingOptions: [.withoutEscapingSlashes]))
        let plane = DataPlane(
            store: store, cache: runtime.cache, limiter: runtime.limiter, activity: runtime.activity,
            usageWriter: runtime.usageWriter, spend: runtime.spend,
            dispatch: UpstreamDispatch(
                http: providers ?? HTTPProviderAdapter(client: upstream), vault: store,
                timeoutSeconds: configuration.upstreamTimeoutSeconds),
            verifier: runtime.verifier, bodyLimit: bodyLimit, bodyBudget: runtime.bodyBudget,
            metrics: runtime.metrics, logger: logger)
        return GatewayRouter(plane: role == .admin ? nil : plane, admin: router)
    }

    /// The main listener's application (the data plane, and the admin API unless it has a
    /// listener of its own), with the services that run beside it.
    public static func application(
        store: any GatewayStore, tokens: AdminTokens, configuration: GatewayConfiguration, logger: Logger,
        upstream: UpstreamClient = .shared, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let runtime = GatewayRuntime(store: store, configuration: configuration, logger: logger, upstream: upstream)
        return try application(
            store: store, tokens: tokens, configuration: configuration, logger: logger, runtime: runtime,
            upstream: upstream, serving: configuration.adminListener == nil ? .all : .dataPlane,
            onServerRunning: onServerRunning)
    }

    /// Every listener's application over one runtime: one when the admin API shares the data
    /// plane's listener, two when ``GatewayConfiguration/adminListener`` is set. Each is a
    /// service to run in one group; `onServerRunning` hears each listener's role and port.
    public static func applications(
        store: any GatewayStore, tokens: AdminTokens, configuration: GatewayConfiguration, logger: Logger,
        upstream: UpstreamClient = .shared,
        onServerRunning: @escaping @Sendable (ListenerRole, Int) async -> Void = { _, _ in }
    ) throws -> [any Service] {
        let runtime = GatewayRuntime(store: store, configuration: configuration, logger: logger, upstream: upstream)
        guard let admin = configuration.adminListener else {
            return [
                try application(
                    store: store, tokens: tokens, configuration: configuration, logger: logger, runtime: runtime,
                    upstream: upstream, serving: .all, onServerRunning: { await onServerRunning(.all, $0) })
            ]
        }
        var adminConfiguration = configuration
        adminConfiguration.host = admin.host
        adminConfiguration.port = admin.port
        adminConfiguration.tls = configuration.adminTLS
        return [
            try application(
                store: store, tokens: tokens, configuration: configuration, logger: logger, runtime: runtime,
                upstream: upstream, serving: .dataPlane, onServerRunning: { await onServerRunning(.dataPlane, $0) }),
            try application(
                store: store, tokens: tokens, configuration: adminConfiguration, logger: logger, runtime: runtime,
                upstream: upstream, serving: .admin, onServerRunning: { await onServerRunning(.admin, $0) }),
        ]
    }

    /// One listener: its router for `role`, its connection limits, and (on every listener but a
    /// separate admin one) the services that run beside the server.
    static func application(
        store: any GatewayStore, tokens: AdminTokens, configuration: GatewayConfiguration, logger: Logger,
        runtime: GatewayRuntime, upstream: UpstreamClient, serving role: ListenerRole,
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) throws -> some ApplicationProtocol {
        let limits = configuration.connections
        let open = OpenConnections(limit: limits.maxConnections)
        return Application(
            router: try router(
                store: store, tokens: tokens, configuration: configuration, logger: logger, runtime: runtime,
                upstream: upstream, serving: role),
            server: .http1(
                configuration: .init(additionalChannelHandlers: [ConnectionGuard(limits: limits, connections: open)]),
                certificates: configuration.tls),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "gatewayd"),
            services: role == .admin
                ? [] : services(store: store, runtime: runtime, configuration: configuration, logger: logger),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }

    /// What runs beside the server: reloads, the usage and key-use writers, and (on a state shared
    /// by instances) the rate-limit exchange.
    static func services(
        store: any GatewayStore, runtime: GatewayRuntime, configuration: GatewayConfiguration, logger: Logger
    ) -> [any Service] {
        var services: [any Service] = [
            SnapshotRefresher(
                cache: runtime.cache, feed: store as? any StateChangeFeed, interval: configuration.reloadInterval,
                logger: logger),
            UsageRecorder(writer: runtime.usageWriter, drain: configuration.drainTimeout * 0.5),
            KeyActivityRecorder(
                activity: runtime.activity, store: store, interval: configuration.keyUseFlushInterval,
                logger: logger),
        ]
        let certificates = [configuration.tls, configuration.adminTLS].compactMap { $0 }
        if !certificates.isEmpty { services.append(CertificateReloader(certificates: certificates, logger: logger)) }
        if let exchange = store as? any RateLimitExchange {
            services.append(
                RateLimitSync(
                    limiter: runtime.limiter, exchange: exchange, interval: configuration.rateLimitSyncInterval,
                    logger: logger))
        }
        return services
    }
}
