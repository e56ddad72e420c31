import Foundation
import GatewayModel
import NIOConcurrencyHelpers

/// Step 7 of admission: requests and tokens per minute, per team and per key, as token buckets
/// held in memory, so no request waits on a database.
///
/// On one instance (SQLite) the buckets are the whole truth. Instances sharing a PostgreSQL
/// state also exchange what they took every sync interval (``takeConsumption()``, then
/// ``adopt(_:)`` with the shared levels): each bucket then holds the fleet's consumption as of
/// the last exchange plus its own since, so a limit is exceeded by at most what the other
/// instances admit in one interval (docs/data-plane.md, "Rate limits across instances").
public final class RateLimiter: Sendable {
    private struct Bucket {
        var level: Double
        var updated: Double
        var perMinute: Double
        /// Taken here since the last exchange.
        var unshared: Double = 0
    }

    private let buckets = NIOLockedValueBox([String: Bucket]())
    private let clock: @Sendable () -> Double

    public init(clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.clock = clock
    }

    /// Checks the limits of the admission's team and key; when `consume`, takes one request from
    /// each request bucket. Explanations check without consuming.
    public func apply(to admission: inout Admission, consume: Bool) {
        guard admission.isAdmitted, let team = admission.team, let key = admission.key else { return }
        let teamName = team.metadata.name
        let scopes: [(id: String, label: String, limit: RateLimit?)] = [
            ("team:" + teamName, "team '\(teamName)'", team.rateLimit),
            ("key:" + teamName + "/" + key.name, "key '\(teamName)/\(key.name)'", key.rateLimit),
        ]
        let now = clock()
        let refusal: Refusal? = buckets.withLockedValue { buckets in
            var take: [String] = []
            for scope in scopes {
                guard let limit = scope.limit else { continue }
                if let rpm = limit.requestsPerMinute {
                    let id = scope.id + ":rpm"
                    let level = Self.refilled(buckets[id], capacity: Double(rpm), now: now)
                    Self.set(&buckets, id, level: level, now: now, perMinute: Double(rpm))
                    if level < 1 {
                        return Self.refusal(
                            "\(scope.label) is over its limit of \(rpm) requests per minute",
                            waitFor: (1 - level) * 60 / Double(rpm))
                    }
                    take.append(id)
                }
                if let tpm = limit.tokensPerMinute {
                    let id = scope.id + ":tpm"
                    let level = Self.refilled(buckets[id], capacity: Double(tpm), now: now)
                    Self.set(&buckets, id, level: level, now: now, perMinute: Double(tpm))
                    if level <= 0 {
                        return Self.refusal(
                            "\(scope.label) is over its limit of \(tpm) tokens per minute",
                            waitFor: (1 - level) * 60 / Double(tpm))
                    }
                }
            }
            if consume {
                for id in take {
                    buckets[id]?.level -= 1
                    buckets[id]?.unshared += 1
                }
            }
            return nil
        }
        if let refusal {
            admission.refuse(refusal)
        } else {
            let limited = scopes.contains { $0.limit != nil }
            admission.pass(.rateLimit, limited ? "within the rate limits" : "no rate limits apply")
        }
    }

    /// Charges the tokens a served request used to its team's and key's token buckets.
    public func charge(tokens: Int, team: TeamRecord, key: APIKeyRecord) {
        let now = clock()
        let teamName = team.metadata.name
        let scopes = [("team:" + teamName, team.rateLimit), ("key:" + teamName + "/" + key.name, key.rateLimit)]
        buckets.withLockedValue { buckets in
            for (scope, limit) in scopes {
                guard let tpm = limit?.tokensPerMinute else { continue }
                let id = scope + ":tpm"
                let level = Self.refilled(buckets[id], capacity: Double(tpm), now: now)
                Self.set(&buckets, id, level: level - Double(tokens), now: now, perMinute: Double(tpm))
                buckets[id]?.unshared += Double(tokens)
            }
        }
    }

    /// What every bucket took since the last exchange (zero for those only asking for the
    /// level), handed over for the exchange: from now on only what is taken after counts.
    public func takeConsumption() -> [RateLimitConsumption] {
        buckets.withLockedValue { buckets in
            var out: [RateLimitConsumption] = []
            out.reserveCapacity(buckets.count)
            for (scope, bucket) in buckets {
                out.append(RateLimitConsumption(scope: scope, perMinute: bucket.perMinute, consumed: bucket.unshared))
                buckets[scope]?.unshared = 0
            }
            return out
        }
    }

    /// Gives back consumption an exchange could not deliver, to go with the next one.
    public func restore(_ consumption: [RateLimitConsumption]) {
        buckets.withLockedValue { buckets in
            for entry in consumption where entry.consumed != 0 { buckets[entry.scope]?.unshared += entry.consumed }
        }
    }

    /// Takes the fleet's levels from an exchange (which counted everything taken here up to it):
    /// each bucket becomes that level less what was taken here since. Buckets not held yet are
    /// created, so a restarted instance starts from the fleet's count rather than a full bucket.
    public func adopt(_ levels: [RateLimitLevel]) {
        let now = clock()
        buckets.withLockedValue { buckets in
            for entry in levels {
                let unshared = buckets[entry.scope]?.unshared ?? 0
                buckets[entry.scope] = Bucket(
                    level: min(entry.perMinute, entry.level) - unshared, updated: now, perMinute: entry.perMinute,
                    unshared: unshared)
            }
        }
    }

    private static func set(
        _ buckets: inout [String: Bucket], _ id: String, level: Double, now: Double, perMinute: Double
    ) {
        if buckets[id] != nil {
            buckets[id]?.level = level
            buckets[id]?.updated = now
            buckets[id]?.perMinute = perMinute
        } else {
            buckets[id] = Bucket(level: level, updated: now, perMinute: perMinute)
        }
    }

    private static func refilled(_ bucket: Bucket?, capacity: Double, now: Double) -> Double {
        guard let bucket else { return capacity }
        return min(capacity, bucket.level + max(0, now - bucket.updated) * capacity / 60)
    }

    private static func refusal(_ message: String, waitFor seconds: Double) -> Refusal {
        let retryAfter = max(1, Int(seconds.rounded(.up)))
        return Refusal(
            code: .rateLimited, message: message, layer: .rateLimit,
            hint: "retry after \(retryAfter)s, or raise the rateLimit in the manifest", retryAfterSeconds: retryAfter)
    }
}
