import GatewayModel
import PostgresNIO

extension PostgresGatewayStore: RateLimitExchange {
    /// One statement for all buckets: each row is refilled by the database's clock (one clock for
    /// every instance), less what the caller took, and created full when new.
    public func exchangeRateLimits(_ consumption: [RateLimitConsumption]) async throws -> [RateLimitLevel] {
        guard !consumption.isEmpty else { return [] }
        var binds = PostgresBindings()
        binds.append(consumption.map(\.scope))
        binds.append(consumption.map(\.perMinute))
        binds.append(consumption.map(\.consumed))
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO rate_limit_buckets AS bucket (scope, per_minute, level, consumed, updated_at)
                    SELECT scope, per_minute, per_minute - consumed, consumed, extract(epoch FROM clock_timestamp())
                    FROM unnest($1::text[], $2::float8[], $3::float8[]) AS taken(scope, per_minute, consumed)
                    ON CONFLICT (scope) DO UPDATE SET
                        level = LEAST(
                            EXCLUDED.per_minute,
                            bucket.level
                                + GREATEST(0, EXCLUDED.updated_at - bucket.updated_at) * EXCLUDED.per_minute / 60
                        ) - EXCLUDED.consumed,
                        per_minute = EXCLUDED.per_minute, consumed = EXCLUDED.consumed,
                        updated_at = EXCLUDED.updated_at
                    RETURNING scope, per_minute, level
                    """, binds: binds), logger: logger)
        var levels: [RateLimitLevel] = []
        for try await (scope, perMinute, level) in rows.decode((String, Double, Double).self) {
            levels.append(RateLimitLevel(scope: scope, perMinute: perMinute, level: level))
        }
        return levels
    }

    public func rateLimitLevels() async throws -> [RateLimitLevel] {
        let rows = try await client.query(
            """
            SELECT scope, per_minute, LEAST(per_minute,
                level + GREATEST(0, extract(epoch FROM clock_timestamp()) - updated_at) * per_minute / 60)
            FROM rate_limit_buckets
            """, logger: logger)
        var levels: [RateLimitLevel] = []
        for try await (scope, perMinute, level) in rows.decode((String, Double, Double).self) {
            levels.append(RateLimitLevel(scope: scope, perMinute: perMinute, level: level))
        }
        return levels
    }
}
