import GatewayModel
import Synchronization

/// Step 8 of admission: calls the route's candidates in order until one serves. A 5xx, a 429, a
/// timeout or a connection error moves on to the next candidate; any other 4xx ends the request,
/// since another provider would refuse it too.
public struct UpstreamDispatch: Sendable {
    let http: any ProviderAdapter
    let mock: any ProviderAdapter
    let vault: any SecretVault
    let secrets = SecretCache()
    public let timeoutSeconds: Double

    public init(http: any ProviderAdapter, vault: any SecretVault, timeoutSeconds: Double) {
        self.http = http
        self.mock = MockProviderAdapter()
        self.vault = vault
        self.timeoutSeconds = timeoutSeconds
    }

    /// Decrypted secrets by resource and the revision that wrote them, so a request does not read
    /// and open one from the store each time; any change to the resource changes its revision.
    final class SecretCache: Sendable {
        private let entries = Mutex<[ResourceRef: (revision: Int64, secret: String?)]>([:])

        func secret(
            of ref: ResourceRef, revision: Int64?, from vault: any SecretVault
        ) async throws -> String? {
            if let revision, let entry = entries.withLock({ $0[ref] }), entry.revision == revision {
                return entry.secret
            }
            let secret = try await vault.secret(of: ref)
            if let revision { entries.withLock { $0[ref] = (revision, secret) } }
            return secret
        }
    }

    /// What served the request.
    public struct Served: Sendable {
        public var candidate: RouteCandidate
        public var reply: UpstreamReply
        /// The candidates that failed before it, with why.
        public var failures: [(candidate: RouteCandidate, failure: UpstreamFailure)]
    }

    /// A credential's secret could not be read from the store. The gateway's failure, not the
    /// provider's: the request ends, and `reason` is for gatewayd's log, not for the caller.
    public struct SecretReadFailure: Error, Sendable, CustomStringConvertible {
        public var credential: ResourceRef
        public var reason: String

        public var description: String { "the secret of \(credential) could not be read: \(reason)" }
    }

    /// Calls the route's candidates in order until one answers. Throws ``SecretReadFailure`` when a
    /// candidate's secret cannot be read from the store.
    public func serve(
        _ admission: Admission, snapshot: GatewaySnapshot, operation: UpstreamCall.Operation,
        requestCredential: String?, requestID: String, clientHeaders: [(name: String, value: String)] = []
    ) async throws(SecretReadFailure) -> Result<Served, Refusal> {
        var failures: [(candidate: RouteCandidate, failure: UpstreamFailure)] = []
        // Candidates whose format cannot carry the request: skipped before any call, so a
        // fallback that can carry it serves; when none can, the first reason is the answer.
        var untranslatable: (candidate: RouteCandidate, problem: Untranslatable)?
        for candidate in admission.route {
            guard let provider = snapshot.providers[candidate.provider] else { continue }
            let secret: String?
            var options: [String: String] = [:]
            switch candidate.credentialKind {
            case .requestBYOK:
                secret = requestCredential
            case .teamBYOK:
                let team = admission.team?.metadata.name ?? ""
                let name = candidate.credentialName ?? ""
                let credential = snapshot.credentials(team: team, provider: candidate.provider)
                    .first { $0.name == name }
                secret = try await read(.credential(team: team, name: name), revision: credential?.status?.revision)
                options = credential?.options ?? [:]
            case .system:
                secret =
                    provider.type == .mock
                    ? nil : try await read(.provider(candidate.provider), revision: provider.status?.revision)
            }
            let call = UpstreamCall(
                provider: provider, candidate: candidate, secret: secret, options: options, operation: operation,
                requestID: requestID, timeoutSeconds: timeoutSeconds, clientHeaders: clientHeaders)
            do {
                let adapter = provider.type == .mock ? mock : http
                let reply = try await adapter.send(call)
                return .success(Served(candidate: candidate, reply: reply, failures: failures))
            } catch let problem as Untranslatable {
                if problem.kind == .invalid { return .failure(Self.refusal(problem, candidate: candidate)) }
                if untranslatable == nil { untranslatable = (candidate, problem) }
            } catch let failure as UpstreamFailure {
                if case .status(let status) = failure.kind, !failure.isRetryable, status != 429 {
                    return .failure(rejection(status: status, failure: failure, candidate: candidate))
                }
                failures.append((candidate, failure))
            } catch {
                failures.append((candidate, UpstreamFailure(.connection, String(describing: error))))
            }
        }
        if failures.isEmpty, let (candidate, problem) = untranslatable {
            return .failure(Self.refusal(problem, candidate: candidate))
        }
        let summary = failures.map { "\($0.candidate.provider) (\($0.candidate.model)): \($0.failure)" }
            .joined(separator: "; ")
        let timedOut = !failures.isEmpty && failures.allSatisfy { $0.failure.kind == .timeout }
        return .failure(
            Refusal(
                code: timedOut ? .upstreamTimeout : .upstreamError,
                message: failures.isEmpty
                    ? "no provider could be called" : "every provider failed: \(summary)",
                layer: .upstream,
                hint: timedOut
                    ? "the providers did not answer in time; retry later"
                    : "the providers are failing; retry later, or add fallbacks with a route rule"))
    }

    /// The answer for a request the provider's format cannot carry, naming the part and the provider.
    static func refusal(_ problem: Untranslatable, candidate: RouteCandidate) -> Refusal {
        switch problem.kind {
        case .unsupported:
            return Refusal(
                code: .unsupportedContent,
                message:
                    "\(problem.part) cannot be carried to provider '\(candidate.provider)' (model \(candidate.model)): \(problem.reason)",
                layer: .translation,
                hint: "remove that part, or route the model to a provider of the client's own format")
        case .invalid:
            return Refusal(
                code: .invalidRequest, message: "\(problem.part): \(problem.reason)", layer: .request)
        }
    }

    private func read(_ ref: ResourceRef, revision: Int64?) async throws(SecretReadFailure) -> String? {
        do {
            return try await secrets.secret(of: ref, revision: revision, from: vault)
        } catch {
            throw SecretReadFailure(credential: ref, reason: String(describing: error))
        }
    }

    private func rejection(status: Int, failure: UpstreamFailure, candidate: RouteCandidate) -> Refusal {
        if status == 401 || status == 403 {
            let credential =
                candidate.credentialKind == .teamBYOK
                ? "the team's BYOK credential '\(candidate.credentialName ?? "")'"
                : candidate.credentialKind == .requestBYOK
                    ? "the credential passed with the request" : "the gateway's system credential"
            return Refusal(
                code: .upstreamError,
                message: "provider '\(candidate.provider)' refused \(credential) (HTTP \(status)): \(failure.message)",
                layer: .upstream, hint: "check that credential's secret with its owner")
        }
        return Refusal(
            code: .upstreamRejected,
            message: "provider '\(candidate.provider)' rejected the request (HTTP \(status)): \(failure.message)",
            layer: .upstream)
    }
}
