import ArgumentParser
import Foundation
import GatewayServer
import GatewayStore
import GatewayStorePostgres
import Hummingbird
import Logging
import ServiceLifecycle

/// `gatewayd serve`: runs the gateway until SIGTERM or SIGINT, then shuts down gracefully.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the data plane (/v1) and the admin API (/admin/v1).",
        discussion: """
            On first start there is no master key; gatewayd refuses to start unless given --init, which \
            creates one (mode 0600) and a writer admin token (written to admin-token beside the state, \
            mode 0600). Admin tokens come from the tokens file and GATEWAYD_ADMIN_TOKENS.
            """
    )

    @OptionGroup var files: StateOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Write the port actually listened on to this file once the server is up.") var portFile: String?
    @Option(
        help:
            "Serve the admin API and /metrics on this port only, not on --port (0 picks a free one); --port then serves the data plane and /healthz."
    )
    var adminPort: Int?
    @Option(help: "The address the admin listener binds (with --admin-port).") var adminHost = "127.0.0.1"
    @Option(help: "Write the admin listener's port to this file once it is up (with --admin-port).")
    var adminPortFile: String?
    @Option(help: "Serve --port over TLS with this PEM certificate chain (with --tls-key; reread on SIGHUP).")
    var tlsCertificate: String?
    @Option(help: "The PEM private key of --tls-certificate.") var tlsKey: String?
    @Option(
        help: "Serve --admin-port over TLS with this PEM certificate chain (with --admin-tls-key; reread on SIGHUP).")
    var adminTLSCertificate: String?
    @Option(help: "The PEM private key of --admin-tls-certificate.") var adminTLSKey: String?
    @Flag(help: "Create a master key and an admin token if there are none.") var `init` = false
    @Option(help: "The largest request body accepted, in bytes.") var maxBodyBytes = 64 << 20
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = Logger.Level.info
    @Option(help: "Seconds a provider may take to answer before the next is tried (a stream: to pause between parts).")
    var upstreamTimeout = 120.0
    @Option(help: "Connections kept open to each provider host (the most requests in flight to one provider).")
    var upstreamConnections = 512
    @Option(help: "The request-body bytes held at once across all data-plane requests (past it: 503 overloaded).")
    var maxBodyBytesInFlight = 256 << 20
    @Option(help: "Seconds a new connection may take to send its first request's headers.")
    var headerTimeout = 10.0
    @Option(help: "Seconds a request body may pause between two reads.")
    var bodyTimeout = 30.0
    @Option(help: "Seconds a kept-alive connection may wait for its next request.")
    var idleTimeout = 60.0
    @Option(help: "Client connections open at once (past it: 503 overloaded, and the connection is closed).")
    var maxConnections = 4096
    @Option(help: "Seconds the last state read is served while the state store cannot be read.")
    var staleStateLimit = 600.0
    @Option(help: "Seconds shutdown may take (in-flight requests, then the usage held) before gatewayd exits anyway.")
    var drainTimeout = 15.0
    @Option(
        help: "Seconds between an instance's exchanges of rate-limit counts with the others (PostgreSQL state only).")
    var rateLimitSync = 0.25

    func validate() throws {
        for (name, value) in [
            ("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout),
            ("--stale-state-limit", staleStateLimit), ("--drain-timeout", drainTimeout),
            ("--rate-limit-sync", rateLimitSync), ("--upstream-timeout", upstreamTimeout),
        ] where !(value > 0) || !value.isFinite {
            throw ValidationError("\(name) must be a positive number of seconds, not \(value)")
        }
        if adminPort == nil, adminPortFile != nil || adminTLSCertificate != nil {
            throw ValidationError("--admin-port-file and --admin-tls-certificate need --admin-port")
        }
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-certificate and --tls-key go together")
        }
        if (adminTLSCertificate == nil) != (adminTLSKey == nil) {
            throw ValidationError("--admin-tls-certificate and --admin-tls-key go together")
        }
        if let adminPort, adminPort != 0, adminPort == port, adminHost == host {
            throw ValidationError("--admin-port must differ from --port on the same address")
        }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1") }
        guard maxBodyBytesInFlight >= maxBodyBytes else {
            throw ValidationError("--max-body-bytes-in-flight must be at least --max-body-bytes (\(maxBodyBytes))")
        }
    }

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "gatewayd")
        let environment = ProcessInfo.processInfo.environment
        let stateFiles = StateFiles(statePath: files.state, masterKeyPath: files.masterKey, tokensPath: files.tokens)

        let keyring: MasterKeyring
        do {
            let (loaded, created) = try stateFiles.keyring(environment: environment, create: self.`init`)
            keyring = loaded
            if created { logger.notice("created a master key", metadata: ["file": .string(stateFiles.masterKeyPath)]) }
        } catch {
            logger.critical("cannot start", metadata: ["reason": .string(String(describing: error))])
            throw ExitCode(2)
        }
        let tokens = try AdminTokenSetup(files: stateFiles, logger: logger).load(
            environment: environment, create: self.`init`)
        var settings = GatewayConfiguration(
            host: host, port: port, maxBodyBytes: maxBodyBytes, upstreamTimeoutSeconds: upstreamTimeout,
            upstreamConnectionsPerHost: upstreamConnections)
        settings.maxBodyBytesInFlight = maxBodyBytesInFlight
        settings.connections = ConnectionLimits(
            headerTimeout: .seconds(headerTimeout), bodyTimeout: .seconds(bodyTimeout),
            idleTimeout: .seconds(idleTimeout), maxConnections: maxConnections)
        settings.staleStateLimit = .seconds(staleStateLimit)
        settings.drainTimeout = .seconds(drainTimeout)
        settings.rateLimitSyncInterval = .seconds(rateLimitSync)
        settings.adminListener = adminPort.map { ListenAddress(host: adminHost, port: $0) }
        do {
            if let tlsCertificate, let tlsKey {
                settings.tls = try TLSCertificates(certificateFile: tlsCertificate, keyFile: tlsKey)
            }
            if let adminTLSCertificate, let adminTLSKey {
                settings.adminTLS = try TLSCertificates(certificateFile: adminTLSCertificate, keyFile: adminTLSKey)
            }
        } catch {
            logger.critical("cannot start", metadata: ["reason": .string(String(describing: error))])
            throw ExitCode(2)
        }
        let configuration = settings
        let portFiles: [ListenerRole: String] = [
            .all: portFile, .dataPlane: portFile, .admin: adminPortFile,
        ].compactMapValues { $0 }
        @Sendable func serve(_ store: any GatewayStore, state: String) async throws {
            let upstream = GatewayApplication.upstreamClient(configuration)
            let listeners = try GatewayApplication.applications(
                store: store, tokens: tokens, configuration: configuration, logger: logger, upstream: upstream,
                onServerRunning: { role, port in
                    let host = role == .admin ? configuration.adminListener?.host ?? "" : configuration.host
                    logger.notice(
                        "listening",
                        metadata: [
                            "host": .string(host), "port": .stringConvertible(port), "serves": .string(role.rawValue),
                            "tls": .stringConvertible(
                                (role == .admin ? configuration.adminTLS : configuration.tls) != nil),
                            "state": .string(state),
                        ])
                    if let file = portFiles[role] {
                        try? String(port).write(toFile: file, atomically: true, encoding: .utf8)
                    }
                })
            var group = ServiceGroupConfiguration(
                services: listeners.map { .init(service: $0) }
                    + [.init(service: ShutdownWatchdog(limit: configuration.drainTimeout))],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            // In-flight requests get most of the drain time; then the group cancels what is left,
            // and the watchdog ends the process at the drain time whatever still waits.
            group.maximumGracefulShutdownDuration = configuration.drainTimeout * 0.8
            do {
                try await ServiceGroup(configuration: group).run()
            } catch {
                await upstream.shutdown()
                throw error
            }
            await upstream.shutdown()
        }
        if PostgresLocation.isPostgresURL(files.state) {
            let location: PostgresLocation
            do {
                location = try PostgresLocation(url: files.state)
            } catch {
                logger.critical("cannot start", metadata: ["reason": .string(String(describing: error))])
                throw ExitCode(2)
            }
            try await PostgresGatewayStore.with(location, keyring: keyring, logger: logger) { store in
                try await serve(store, state: location.description)
            }
        } else {
            try await serve(
                try SQLiteGatewayStore(path: stateFiles.statePath, keyring: keyring), state: stateFiles.statePath)
        }
        logger.notice("stopped")
    }
}

/// Loads admin tokens, creating a first writer token on `--init` when there is none.
struct AdminTokenSetup {
    let files: StateFiles
    let logger: Logger

    /// Where `--init` writes the new token itself: `admin-token` beside the tokens file.
    var tokenFile: String {
        URL(fileURLWithPath: files.tokensPath).deletingLastPathComponent().path + "/admin-token"
    }

    func load(environment: [String: String], create: Bool) throws -> AdminTokens {
        var tokens = AdminTokens()
        if FileManager.default.fileExists(atPath: files.tokensPath) {
            tokens = try AdminTokens.load(file: files.tokensPath)
        } else if create {
            let token = AdminTokens.generateToken()
            let directory = URL(fileURLWithPath: files.tokensPath).deletingLastPathComponent().path
            // A PostgreSQL state with its master key in the environment writes nothing else:
            // the tokens' folder (.gateway/) may not exist yet.
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw ValidationError(
                    "cannot create \(directory) for the admin tokens (\(error.localizedDescription)); pass --tokens FILE"
                )
            }
            guard
                FileManager.default.createFile(
                    atPath: tokenFile, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600]),
                FileManager.default.createFile(
                    atPath: files.tokensPath,
                    contents: Data(AdminTokens.fileLine(name: "admin", role: .writer, token: token).utf8),
                    attributes: [.posixPermissions: 0o600])
            else { throw ValidationError("cannot write \(files.tokensPath)") }
            tokens = try AdminTokens.load(file: files.tokensPath)
            logger.notice(
                "created a writer admin token", metadata: ["tokenFile": .string(tokenFile), "name": "admin"])
        }
        if let value = environment["GATEWAYD_ADMIN_TOKENS"], !value.isEmpty {
            tokens = tokens.merging(try AdminTokens.parse(environment: value))
        }
        if tokens.isEmpty {
            logger.warning(
                "no admin tokens: every admin request will be refused; create one with `gatewayd token create`")
        }
        return tokens
    }
}

// A typo in --log-level is a usage error, not a silent fall back to info.
extension Logger.Level: @retroactive ExpressibleByArgument {}
