import AdminAPI
import Foundation
import GatewayModel
import GatewayServer
import GatewayStore
import GatewayStorePostgres
import GwctlCore
import Hummingbird
import HummingbirdTesting
import Logging
import StoreFixtures
import TestSupport
import Testing

/// The ways gwctl reaches a gateway, over each store backend; the conformance suite runs against all.
enum AdminTarget: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case embedded
    case http
    /// The embedded adapter over a PostgreSQL store (a fresh database on the test server).
    case postgres

    var testDescription: String { rawValue }
}

/// A fresh gateway state in a temporary directory, with a writer and a reader token.
struct GatewayFixture {
    static let writerToken = "gwadm_test_writer_token"
    static let readerToken = "gwadm_test_reader_token"

    let directory: URL
    let store: SQLiteGatewayStore
    let tokens: AdminTokens
    let logs: LogCapture

    init() throws {
        let scratch = try ScratchStore()
        directory = scratch.directory
        store = scratch.store
        var tokens = AdminTokens()
        tokens.add(name: "ci-writer", role: .writer, token: Self.writerToken)
        tokens.add(name: "ci-reader", role: .reader, token: Self.readerToken)
        self.tokens = tokens
        logs = LogCapture()
    }

    var logger: Logger {
        var logger = Logger(label: "gatewayd-test", factory: { _ in logs.handler() })
        logger.logLevel = .trace
        return logger
    }

    func router() throws -> GatewayRouter {
        try GatewayApplication.router(
            store: store, tokens: tokens, configuration: .init(maxBodyBytes: 1 << 20), logger: logger)
    }

    func cleanup() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a `GatewayAdmin` of `target` over this fixture's store.
    func withAdmin(_ target: AdminTarget, _ body: @Sendable (any GatewayAdmin) async throws -> Void) async throws {
        switch target {
        case .embedded:
            try await body(EmbeddedAdmin(store: store, targetDescription: "embedded test state", actor: "ci-writer"))
        case .postgres:
            let url = try TestPostgres.freshDatabase()
            defer { TestPostgres.drop(url) }
            try await PostgresGatewayStore.with(
                try PostgresLocation(url: url), keyring: MasterKeyring.generate(), logger: Logger(label: "test")
            ) { store in
                try await body(
                    EmbeddedAdmin(store: store, targetDescription: "postgres test state", actor: "ci-writer"))
            }
        case .http:
            let app = Application(router: try router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in
                let url = URL(string: "http://127.0.0.1:\(client.port!)")!
                try await body(AdminClient(serverURL: url, token: Self.writerToken))
            }
        }
    }

    /// Every byte of the state database and its WAL, to search for secrets.
    func databaseBytes() throws -> Data {
        var data = Data()
        for suffix in ["", "-wal", "-shm"] {
            if let contents = FileManager.default.contents(atPath: store.path + suffix) { data.append(contents) }
        }
        return data
    }
}

/// Collects log lines (message and metadata) in memory, to search them for secrets.
final class LogCapture: Sendable {
    private let lines = LockedLines()

    func handler() -> some LogHandler { CapturingHandler(capture: self) }

    var text: String { lines.all.joined(separator: "\n") }

    fileprivate func append(_ line: String) { lines.append(line) }

    private struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(
                "\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }))")
        }
    }
}

/// An array behind a lock.
// @unchecked Sendable: every access to `storage` holds `lock`.
private final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    func append(_ line: String) {
        lock.lock()
        storage.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
