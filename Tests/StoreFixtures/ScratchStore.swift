import Foundation
import GatewayStore

/// A fresh SQLite state with a new master key in a temporary directory of its own.
public struct ScratchStore {
    /// The directory holding the state, its WAL and the master key.
    public let directory: URL
    /// The store over the state.
    public let store: SQLiteGatewayStore

    /// A new, empty state.
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-state-\(UUID())")
        let files = StateFiles(statePath: directory.appendingPathComponent("state.db").path)
        store = try files.openStore(environment: [:], create: true)
    }

    /// Removes the directory and everything in it.
    public func cleanup() {
        try? FileManager.default.removeItem(at: directory)
    }
}
