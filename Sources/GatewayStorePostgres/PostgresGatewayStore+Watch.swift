import GatewayStore
import Logging
import PostgresNIO

extension PostgresGatewayStore: StateChangeFeed {
    /// Calls `onChange` with the new revision each time any instance commits a change, until the
    /// task is cancelled. A lost connection is re-established after a pause; changes announced
    /// meanwhile are missed here, which is why the data plane also resyncs periodically.
    public func watchRevisions(_ onChange: @escaping @Sendable (Int64) async -> Void) async {
        let logger = self.logger
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        // Whatever happened before LISTEN took effect is caught by this first reload.
                        await onChange(-1)
                        for try await notification in notifications {
                            await onChange(Int64(notification.payload) ?? -1)
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("lost the change feed; reconnecting", metadata: ["reason": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
