import Foundation
import GatewayCore
import GatewayModel
import JWTKit
import Logging
import NIOCore
import Synchronization

/// Every trusted issuer's signing keys, fetched from its JWKS URL (or file) and cached, so that
/// no request waits on an issuer once its keys are warm, and an issuer outage refuses no token
/// whose key is cached (docs/workload-identity.md).
///
/// A cached set older than `refreshInterval` is served while one background fetch replaces it.
/// A token naming an unknown `kid` fetches at once, at most once per `unknownKeyInterval` per
/// issuer, so a stream of forged kids cannot turn gatewayd into a load generator on the issuer.
final class SigningKeys: Sendable {
    /// One issuer's keys as last fetched.
    struct KeySet: Sendable {
        /// The URL or file they came from; a changed source is a cold start.
        var source: String
        var collection: JWTKeyCollection
        /// `kid` → the JWK's `kty` (RSA, EC, OKP).
        var kinds: [String: String]
        var fetchedAt: ContinuousClock.Instant
        /// Bumped by every fetch that changed the set, so cached verifications can tell.
        var generation: Int
    }

    private struct State {
        var sets: [String: KeySet] = [:]
        var lastAttempt: [String: ContinuousClock.Instant] = [:]
        var refreshing: Set<String> = []
        var generation = 0
    }

    let refreshInterval: Duration
    let unknownKeyInterval: Duration
    let fetchTimeout: Duration
    private let client: UpstreamClient
    private let logger: Logger
    private let state = Mutex(State())

    init(
        client: UpstreamClient, logger: Logger, refreshInterval: Duration = .seconds(300),
        unknownKeyInterval: Duration = .seconds(30), fetchTimeout: Duration = .seconds(5)
    ) {
        self.client = client
        self.logger = logger
        self.refreshInterval = refreshInterval
        self.unknownKeyInterval = unknownKeyInterval
        self.fetchTimeout = fetchTimeout
    }

    /// The issuer's keys: cached ones at once (starting a background refresh when they are old),
    /// else fetched now; a cold fetch that fails is `503 issuer_unavailable`.
    func keys(for issuer: IssuerRecord) async -> Result<KeySet, Refusal> {
        let name = issuer.metadata.name
        let source = Self.source(of: issuer.spec)
        let now = ContinuousClock.now
        let (cached, refresh): (KeySet?, Bool) = state.withLock { state in
            guard let set = state.sets[name], set.source == source else { return (nil, false) }
            let stale = set.fetchedAt.duration(to: now) > refreshInterval && !state.refreshing.contains(name)
            if stale { state.refreshing.insert(name) }
            return (set, stale)
        }
        if let cached {
            if refresh {
                Task { _ = await self.fetch(issuer, background: true) }
            }
            return .success(cached)
        }
        return await fetch(issuer, background: false)
    }

    /// After a token named a `kid` the cached set lacks: fetch again unless one was tried within
    /// `unknownKeyInterval`. Nil when throttled or failed (the caller refuses with the cached set).
    func refetch(for issuer: IssuerRecord) async -> KeySet? {
        let name = issuer.metadata.name
        let now = ContinuousClock.now
        let allowed = state.withLock { state in
            if let last = state.lastAttempt[name], last.duration(to: now) < unknownKeyInterval { return false }
            return true
        }
        guard allowed, case .success(let set) = await fetch(issuer, background: false) else { return nil }
        return set
    }

    /// The cached generation of an issuer's set, for cached verifications.
    func generation(of issuer: String) -> Int? { state.withLock { $0.sets[issuer]?.generation } }

    private func fetch(_ issuer: IssuerRecord, background: Bool) async -> Result<KeySet, Refusal> {
        let name = issuer.metadata.name
        let source = Self.source(of: issuer.spec)
        state.withLock { $0.lastAttempt[name] = ContinuousClock.now }
        defer { state.withLock { _ = $0.refreshing.remove(name) } }
        do {
            let document = try await read(issuer.spec)
            let collection = JWTKeyCollection()
            try await collection.add(jwksJSON: document)
            let kinds = Self.kinds(in: document)
            let set = state.withLock { state in
                let previous = state.sets[name]
                var generation = previous?.generation ?? 0
                if previous?.kinds != kinds || previous?.source != source {
                    state.generation += 1
                    generation = state.generation
                }
                let set = KeySet(
                    source: source, collection: collection, kinds: kinds, fetchedAt: .now, generation: generation)
                state.sets[name] = set
                return set
            }
            return .success(set)
        } catch {
            let reason = Self.reason(error)
            let cached = state.withLock { $0.sets[name] }.flatMap { $0.source == source ? $0 : nil }
            logger.warning(
                "could not fetch an issuer's signing keys",
                metadata: [
                    "issuer": .string(name), "source": .string(source), "reason": .string(reason),
                    "cached": .stringConvertible(cached != nil),
                ])
            if let cached { return .success(cached) }
            return .failure(
                Refusal(
                    code: .issuerUnavailable,
                    message:
                        "Issuer '\(name)' has no signing keys cached, and fetching them from \(source) failed: \(reason)",
                    layer: .authentication,
                    hint: "retry shortly; if it persists, check that gatewayd can reach the issuer's JWKS"))
        }
    }

    private func read(_ spec: IssuerSpec) async throws -> String {
        if let file = spec.jwksFile {
            return try String(contentsOfFile: file, encoding: .utf8)
        }
        let request = try UpstreamRequest(
            url: spec.jwksURL ?? "", method: .GET, headers: ["accept": "application/json"])
        let seconds = fetchTimeout.components.seconds
        let response = try await client.execute(request, timeout: .seconds(seconds), wholeBodyLimit: 1 << 20)
        guard response.status == .ok else { throw FetchError.status(Int(response.status.code)) }
        let body = try await response.body.collect(upTo: 1 << 20)
        return String(buffer: body)
    }

    private enum FetchError: Error, CustomStringConvertible {
        case status(Int)
        var description: String {
            switch self {
            case .status(let code): return "the JWKS answered HTTP \(code)"
            }
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? JWTError { return "the JWKS is not usable: \(error.reason ?? "\(error)")" }
        if error is DecodingError { return "the JWKS is not a JSON Web Key Set" }
        return "\(error)"
    }

    static func source(of spec: IssuerSpec) -> String { spec.jwksURL ?? spec.jwksFile ?? "" }

    /// `kid` → `kty` of every key in a JWKS document.
    static func kinds(in document: String) -> [String: String] {
        guard let json = try? JSON.parse(Array(document.utf8)) else { return [:] }
        var kinds: [String: String] = [:]
        for key in json["keys"]?.array ?? [] {
            if let kid = key["kid"]?.string { kinds[kid] = key["kty"]?.string ?? "" }
        }
        return kinds
    }
}
