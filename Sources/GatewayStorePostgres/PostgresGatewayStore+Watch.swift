import GatewayStore
import Logging
import PostgresNIO

extension PostgresGatewayStore: StateChangeFeed {
    /// Calls `onChange` each time any instance commits a change, until the task is cancelled. A lost connection is re-established after a pause; changes announced
    /// meanwhile are missed here, which is why the data plane also resyncs periodically.
    public func watchChanges(_ onChange: @escaping @Sendable () async -> Void) async {
        let logger = self.logger
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        // Whatever happened before LISTEN took effect is caught by this first reload.
                        await onChange()
                        for try await _ in notifications { await onChange() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                if isUnavailable(error) { pool.noteFailure() }
                logger.warning("lost the change feed; reconnecting", metadata: ["reason": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
