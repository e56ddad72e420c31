import Foundation
import GatewayModel
import GatewayStore
import GatewayStorePostgres
import Logging
import TestSupport
import Testing

/// The store backends; every store test runs against each.
public enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    /// Runs `body` with a fresh, empty store of this backend.
    public func withStore(_ body: @Sendable (any GatewayStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let scratch = try ScratchStore()
            defer { scratch.cleanup() }
            try await body(scratch.store)
        case .postgres:
            let url = try TestPostgres.freshDatabase()
            defer { TestPostgres.drop(url) }
            try await PostgresGatewayStore.with(
                try PostgresLocation(url: url), keyring: MasterKeyring.generate(), logger: Logger(label: "test")
            ) { store in try await body(store) }
        }
    }
}
