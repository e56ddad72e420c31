import AdminAPI
import Foundation
import GatewayCore
import GatewayModel
import GatewayStore
import Logging
import OpenAPIRuntime

/// The admin API's operations over a `GatewayStore`. Authentication and roles are enforced
/// before these run (`AdminAuthMiddleware`); the caller is `AdminPrincipal.current`.
struct AdminAPIHandler: APIProtocol {
    let store: any GatewayStore
    /// The data plane's configuration, made stale by every change made here.
    let cache: SnapshotCache
    /// The data plane's rate limits, which explanations read without consuming.
    let limiter: RateLimiter
    /// Served requests' usage not yet written; credit and usage reads write it first.
    let usageWriter: UsageWriter
    /// The data plane's balances and budget spend, which a grant here makes stale.
    let spend: SpendView
    /// What the data plane counted; changesets are counted here.
    let metrics: GatewayMetrics
    let logger: Logger

    private var actor: String { AdminPrincipal.current?.name ?? "unknown" }

    /// Answered within a second whatever the store does: a load balancer must not take every
    /// instance out during a database outage in which they all keep serving.
    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        if !cache.health.isDown {
            do {
                let revision = try await cache.health.bounded(within: .seconds(2)) { [store] in
                    try await store.revision()
                }
                return .ok(.init(body: .json(.init(status: .ok, revision: revision))))
            } catch {
                cache.health.failed(error)
            }
        }
        return await answering(Operations.Health.Output.default) {
            let held = try await cache.current()
            return .ok(.init(body: .json(.init(status: .degraded, revision: held.revision))))
        }
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        metrics.state(revision: cache.held?.revision, sinceLastRead: cache.health.sinceLastRead)
        for (team, balance) in spend.heldBalances() { metrics.credits(team: team, remainingMicroUSD: balance) }
        return .ok(.init(body: .plainText(HTTPBody(metrics.text()))))
    }

    func getState(_ input: Operations.GetState.Input) async throws -> Operations.GetState.Output {
        return await answering(Operations.GetState.Output.default) {
            return .ok(.init(body: .json(try await store.state())))
        }
    }

    func getProvider(_ input: Operations.GetProvider.Input) async throws -> Operations.GetProvider.Output {
        let ref = ResourceRef.provider(input.path.name)
        return await answering(Operations.GetProvider.Output.default) {
            guard case .provider(let record)? = try await store.resource(ref) else { throw StoreError.notFound(ref) }
            return .ok(.init(body: .json(record)))
        }
    }

    func getPolicy(_ input: Operations.GetPolicy.Input) async throws -> Operations.GetPolicy.Output {
        return await answering(Operations.GetPolicy.Output.default) {
            guard case .policy(let record)? = try await store.resource(.policy) else {
                throw StoreError.notFound(.policy)
            }
            return .ok(.init(body: .json(record)))
        }
    }

    func getTeam(_ input: Operations.GetTeam.Input) async throws -> Operations.GetTeam.Output {
        let ref = ResourceRef.team(input.path.team)
        return await answering(Operations.GetTeam.Output.default) {
            guard case .team(let record)? = try await store.resource(ref) else { throw StoreError.notFound(ref) }
            return .ok(.init(body: .json(record)))
        }
    }

    func getCredential(_ input: Operations.GetCredential.Input) async throws -> Operations.GetCredential.Output {
        let ref = ResourceRef.credential(team: input.path.team, name: input.path.name)
        return await answering(Operations.GetCredential.Output.default) {
            guard case .credential(let record)? = try await store.resource(ref) else {
                throw StoreError.notFound(ref)
            }
            return .ok(.init(body: .json(record)))
        }
    }

    func getAPIKey(_ input: Operations.GetAPIKey.Input) async throws -> Operations.GetAPIKey.Output {
        let ref = ResourceRef.apiKey(team: input.path.team, name: input.path.name)
        return await answering(Operations.GetAPIKey.Output.default) {
            guard case .apiKey(let record)? = try await store.resource(ref) else { throw StoreError.notFound(ref) }
            return .ok(.init(body: .json(record)))
        }
    }

    func getRule(_ input: Operations.GetRule.Input) async throws -> Operations.GetRule.Output {
        let ref = ResourceRef.rule(input.path.name)
        return await answering(Operations.GetRule.Output.default) {
            guard case .rule(let record)? = try await store.resource(ref) else { throw StoreError.notFound(ref) }
            return .ok(.init(body: .json(record)))
        }
    }

    func getIssuer(_ input: Operations.GetIssuer.Input) async throws -> Operations.GetIssuer.Output {
        let ref = ResourceRef.issuer(input.path.name)
        return await answering(Operations.GetIssuer.Output.default) {
            guard case .issuer(let record)? = try await store.resource(ref) else { throw StoreError.notFound(ref) }
            return .ok(.init(body: .json(record)))
        }
    }

    func applyChangeset(_ input: Operations.ApplyChangeset.Input) async throws -> Operations.ApplyChangeset.Output {
        return await answering(Operations.ApplyChangeset.Output.default) {
            guard case .json(let changeset) = input.body else { throw StoreError.invalid("expected JSON") }
            let result: ChangesetResult
            do {
                result = try await store.apply(changeset, actor: actor, idempotencyKey: input.headers.idempotencyKey)
            } catch {
                metrics.changeset(.refused)
                throw error
            }
            metrics.changeset(.applied)
            cache.invalidate()
            // Counts only: the result may hold minted secrets, which never reach a log.
            logger.info(
                "changeset applied",
                metadata: [
                    "actor": .string(actor), "operations": .stringConvertible(changeset.operations.count),
                    "revision": .stringConvertible(result.revision),
                ])
            return .ok(.init(body: .json(result)))
        }
    }

    func getCredits(_ input: Operations.GetCredits.Input) async throws -> Operations.GetCredits.Output {
        return await answering(Operations.GetCredits.Output.default) {
            await usageWriter.flush()
            guard let balance = try await store.credits(team: input.path.team) else {
                throw StoreError.notFound(.team(input.path.team))
            }
            return .ok(.init(body: .json(balance)))
        }
    }

    func grantCredits(_ input: Operations.GrantCredits.Input) async throws -> Operations.GrantCredits.Output {
        return await answering(Operations.GrantCredits.Output.default) {
            guard case .json(let grant) = input.body else { throw StoreError.invalid("expected JSON") }
            let balance = try await store.grantCredits(team: input.path.team, grant, actor: actor)
            spend.forget(team: input.path.team)
            cache.invalidate()
            logger.info(
                "credits granted",
                metadata: [
                    "actor": .string(actor), "team": .string(input.path.team),
                    "amountMicroUSD": .stringConvertible(grant.amountMicroUSD),
                ])
            return .ok(.init(body: .json(balance)))
        }
    }

    func getAuditLog(_ input: Operations.GetAuditLog.Input) async throws -> Operations.GetAuditLog.Output {
        return await answering(Operations.GetAuditLog.Output.default) {
            let after = input.query.after ?? 0
            let limit = input.query.limit ?? 1000
            guard after >= 0, (1...10_000).contains(limit) else {
                throw StoreError.invalid("after must be at least 0 and limit between 1 and 10000")
            }
            let entries = try await store.auditLog(after: after, limit: limit)
            return .ok(.init(body: .json(.init(entries: entries))))
        }
    }

    func explain(_ input: Operations.Explain.Input) async throws -> Operations.Explain.Output {
        return await answering(Operations.Explain.Output.default) {
            guard case .json(let request) = input.body else { throw StoreError.invalid("expected JSON") }
            guard (request.key == nil) != (request.claims == nil) else {
                throw StoreError.invalid("exactly one of key and claims is needed")
            }
            guard (1...300).contains(request.key?.count ?? 1), (1...300).contains(request.model.count) else {
                throw StoreError.invalid("key and model must be 1 to 300 characters")
            }
            guard (request.claims?.count ?? 0) <= 65_536 else {
                throw StoreError.invalid("claims must be at most 65,536 characters of JSON text")
            }
            guard (request.body?.count ?? 0) <= 1 << 20 else {
                throw StoreError.invalid("body must be at most 1,048,576 characters of JSON text")
            }
            let pipeline = AdmissionPipeline(snapshot: try await cache.current(), ledger: store, limiter: limiter)
            return .ok(.init(body: .json(try await pipeline.explain(request))))
        }
    }

    func getUsage(_ input: Operations.GetUsage.Input) async throws -> Operations.GetUsage.Output {
        return await answering(Operations.GetUsage.Output.default) {
            let since =
                input.query.since.map { Timestamp(seconds: Int64($0.timeIntervalSince1970.rounded(.down))) }
                ?? Timestamp(seconds: Timestamp.now.seconds - 7 * 86_400)
            if let team = input.query.team, !ResourceName.isValid(team) {
                throw StoreError.invalid("team must be a resource name, got '\(team.prefix(80))'")
            }
            await usageWriter.flush()
            let records = try await store.usage(since: since, team: input.query.team)
            return .ok(.init(body: .json(.init(records: records))))
        }
    }

    func getTraffic(_ input: Operations.GetTraffic.Input) async throws -> Operations.GetTraffic.Output {
        return await answering(Operations.GetTraffic.Output.default) {
            let since =
                input.query.since.map { Timestamp(seconds: Int64($0.timeIntervalSince1970.rounded(.down))) }
                ?? Timestamp(seconds: Timestamp.now.seconds - 7 * 86_400)
            await usageWriter.flush()
            return .ok(.init(body: .json(.init(groups: try await store.traffic(since: since)))))
        }
    }

    /// The outcome of `work`, or the operation's error answer for what it threw: the one place
    /// an admin operation's failure becomes a status and a stable error body.
    private func answering<Output>(
        _ failed: (Int, Components.Responses._Error) -> Output, _ work: () async throws -> Output
    ) async -> Output {
        do {
            return try await work()
        } catch {
            let (status, body) = failure(error)
            return failed(status, body)
        }
    }

    /// The status and stable error body for a failure.
    private func failure(_ error: any Error) -> (Int, Components.Responses._Error) {
        let failure = AdminFailure(error, store: store, logger: logger)
        let detail = failure.body.error
        return (
            failure.status,
            .init(
                body: .json(
                    .init(
                        error: .init(
                            code: detail.code, message: detail.message, conflicts: detail.conflicts,
                            problems: detail.problems))))
        )
    }
}
