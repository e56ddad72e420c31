import ArgumentParser
import Foundation
import GatewayServer
import GatewayStore
import GatewayStorePostgres
import Hummingbird
import Logging

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
    @Flag(help: "Create a master key and an admin token if there are none.") var `init` = false
    @Option(help: "The largest request body accepted, in bytes.") var maxBodyBytes = 64 << 20
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(help: "Seconds a provider may take to answer before the next is tried (a stream: to pause between parts).")
    var upstreamTimeout = 120.0
    @Option(help: "Connections kept open to each provider host (the most requests in flight to one provider).")
    var upstreamConnections = 512

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
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
        let configuration = GatewayConfiguration(
            host: host, port: port, maxBodyBytes: maxBodyBytes, upstreamTimeoutSeconds: upstreamTimeout,
            upstreamConnectionsPerHost: upstreamConnections)
        let portFile = self.portFile
        @Sendable func serve(_ store: any GatewayStore, state: String) async throws {
            let upstream = GatewayApplication.upstreamClient(configuration)
            let app = try GatewayApplication.application(
                store: store, tokens: tokens, configuration: configuration, logger: logger, upstream: upstream,
                onServerRunning: { port in
                    logger.notice(
                        "listening",
                        metadata: [
                            "host": .string(configuration.host), "port": .stringConvertible(port),
                            "state": .string(state),
                        ])
                    if let portFile { try? String(port).write(toFile: portFile, atomically: true, encoding: .utf8) }
                })
            do {
                try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
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

    func load(environment: [String: String], create: Bool) throws -> AdminTokens {
        var tokens = AdminTokens()
        if FileManager.default.fileExists(atPath: files.tokensPath) {
            tokens = try AdminTokens.load(file: files.tokensPath)
        } else if create {
            let token = AdminTokens.generateToken()
            let directory = URL(fileURLWithPath: files.tokensPath).deletingLastPathComponent().path
            let tokenFile = directory + "/admin-token"
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
