import Foundation
import GatewayModel
import NIOConcurrencyHelpers

/// Step 7 of admission: requests and tokens per minute, per team and per key, as token buckets
/// held in memory (each gatewayd instance limits what it serves).
public final class RateLimiter: Sendable {
    private struct Bucket {
        var level: Double
        var updated: Double
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
                    buckets[id] = Bucket(level: level, updated: now)
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
                    buckets[id] = Bucket(level: level, updated: now)
                    if level <= 0 {
                        return Self.refusal(
                            "\(scope.label) is over its limit of \(tpm) tokens per minute",
                            waitFor: (1 - level) * 60 / Double(tpm))
                    }
                }
            }
            if consume { for id in take { buckets[id]?.level -= 1 } }
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
                buckets[id] = Bucket(level: level - Double(tokens), updated: now)
            }
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
