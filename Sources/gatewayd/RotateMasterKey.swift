import ArgumentParser
import Foundation
import GatewayStore
import GatewayStorePostgres
import Logging

/// `gatewayd rotate-master-key`: a new master key, every secret resealed under it, the old key dropped.
struct RotateMasterKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-master-key",
        abstract: "Generate a new master key and re-encrypt every secret with it.",
        discussion: """
            Safe to interrupt: the key file first holds the new and the old key, then the secrets are \
            resealed in one transaction, then the old key is removed. Run it while gatewayd is stopped, \
            or restart gatewayd afterwards (every instance, for a PostgreSQL state: they share the key). Not for GATEWAYD_MASTER_KEY (update the environment instead).
            """
    )

    @OptionGroup var files: StateOptions

    func run() async throws {
        let stateFiles = StateFiles(statePath: files.state, masterKeyPath: files.masterKey)
        let old = try MasterKeyring.load(file: stateFiles.masterKeyPath)
        let both = old.adding(MasterKeyring.generateKey())
        try both.write(to: stateFiles.masterKeyPath)
        let count: Int
        if PostgresLocation.isPostgresURL(files.state) {
            count = try await PostgresGatewayStore.with(
                try PostgresLocation(url: files.state), keyring: both, logger: Logger(label: "gatewayd")
            ) { store in try await store.resealSecrets() }
        } else {
            count = try await SQLiteGatewayStore(path: stateFiles.statePath, keyring: both).resealSecrets()
        }
        try both.currentOnly().write(to: stateFiles.masterKeyPath)
        print("resealed \(count) secrets under master key \(both.current.id); \(stateFiles.masterKeyPath) updated")
    }
}
