import Foundation
import GatewayCore
import GatewayCrypto
import GatewayModel
import GatewayStore
import HTTPTypes
import Hummingbird
import Logging

/// The proxy: admits each request (docs/data-plane.md, "Admission, in order"), calls the route's providers with fallback,
/// answers in the client's format, and accounts for usage. It keeps no prompt or completion
/// text, for any team: usage records and logs hold counts only.
struct DataPlane: Sendable {
    let store: any GatewayStore
    let cache: SnapshotCache
    let limiter: RateLimiter
    let activity: KeyActivity
    let usageWriter: UsageWriter
    let spend: SpendView
    let dispatch: UpstreamDispatch
    let verifier: TokenVerifier
    let bodyLimit: RequestBodyLimit
    let bodyBudget: BodyBudget
    let metrics: GatewayMetrics
    let logger: Logger

    /// Who calls: a gateway key's secret, or a workload's OIDC token once verified
    /// (docs/workload-identity.md).
    func caller(_ credential: String, snapshot: GatewaySnapshot) async -> Result<AdmissionRequest.Caller, Refusal> {
        guard TokenVerifier.looksLikeJWT(credential) else { return .success(.secret(credential)) }
        switch await verifier.verify(credential, snapshot: snapshot) {
        case .success(let verified): return .success(.identity(verified.claims))
        case .failure(let refusal): return .failure(refusal)
        }
    }

    /// `POST /v1/chat/completions`, `POST /v1/messages` and `POST /v1/responses`.
    func chat(_ request: Request, format: ChatFormat) async -> Response {
        let route: DataPlaneRoute
        switch format {
        case .openAI: route = .chatCompletions
        case .anthropic: route = .messages
        case .responses: route = .responses
        }
        return await serve(request, route: route, endpoint: .chat, format: format) { body in
            .chat(
                format: format, body: body, stream: body["stream"]?.bool == true,
                includeUsage: body["stream_options"]?["include_usage"]?.bool == true)
        }
    }

    /// `POST /v1/embeddings`.
    func embeddings(_ request: Request) async -> Response {
        await serve(request, route: .embeddings, endpoint: .embeddings, format: .openAI) { .embeddings(body: $0) }
    }

    private func serve(
        _ request: Request, route: DataPlaneRoute, endpoint: AdmissionRequest.Endpoint, format: ChatFormat,
        operation: (JSON) -> UpstreamCall.Operation
    ) async -> Response {
        let requestID = RequestID.next()
        let started = ContinuousClock.now
        let traceID = TraceParent.traceID(request.headers[TraceParent.name])
        func refuse(_ refusal: Refusal, _ admission: Admission? = nil) -> Response {
            metrics.refused(
                route: route, team: admission?.team?.metadata.name,
                model: admission.flatMap { $0.model.isEmpty ? nil : $0.model }, refusal: refusal)
            log(requestID, admission, refusal: refusal, started: started, traceID: traceID)
            return DataPlaneError(
                refusal: refusal, requestID: requestID, team: admission?.team?.metadata.name,
                key: admission?.keyName, format: format
            ).response()
        }
        // Who calls is decided from the headers alone, before the body is read: a request
        // without a credential, or with one that names no key or identity, must not get to hold
        // up to `maxBodyBytes` of memory (docs/data-plane.md, "Before the body").
        guard let secret = Self.apiKey(in: request) else {
            return refuse(Self.missingKey)
        }
        let snapshot: GatewaySnapshot
        do {
            snapshot = try await cache.current()
        } catch {
            return refuse(stateUnavailable(.authentication, error, requestID: requestID))
        }
        let caller: AdmissionRequest.Caller
        switch await self.caller(secret, snapshot: snapshot) {
        case .failure(let refusal): return refuse(refusal)
        case .success(let found): caller = found
        }
        // Only who calls is settled here; every other layer (a suspended team included) is decided
        // with the request's model, after the body.
        let identified = AdmissionPolicy(snapshot: snapshot).identify(AdmissionRequest(caller: caller, model: ""))
        if let refusal = identified.refusal, refusal.layer == .authentication { return refuse(refusal, identified) }

        var reserved = 0
        defer { bodyBudget.release(reserved) }
        let body: JSON
        switch await readBody(request, reserved: &reserved) {
        case .failure(let refusal): return refuse(refusal, identified)
        case .success(let buffer):
            do {
                body = try JSON.parse(buffer.readableBytesView)
            } catch let error as JSON.SyntaxError {
                return refuse(
                    Refusal(code: .invalidRequest, message: "the body is not valid JSON: \(error)", layer: .request),
                    identified)
            } catch {
                return refuse(
                    Refusal(code: .invalidRequest, message: "the body is not valid JSON", layer: .request), identified)
            }
        }
        guard body.object != nil, let model = body["model"]?.string, !model.isEmpty else {
            return refuse(
                Refusal(code: .invalidRequest, message: "the body needs a \"model\" string", layer: .request),
                identified)
        }
        let requestCredential = request.headers[DataPlaneHeaders.providerKey].flatMap { $0.isEmpty ? nil : $0 }
        let pipeline = AdmissionPipeline(snapshot: snapshot, ledger: spend, limiter: limiter)
        let admission: Admission
        do {
            admission = try await pipeline.admit(
                AdmissionRequest(
                    caller: caller, model: model, endpoint: endpoint,
                    carriesCredential: requestCredential != nil),
                identified: identified)
        } catch {
            // Only the credit and budget figures are read during admission.
            return refuse(stateUnavailable(.credits, error, requestID: requestID))
        }
        activity.note(admission)
        if let refusal = admission.refusal { return refuse(refusal, admission) }

        let result: Result<UpstreamDispatch.Served, Refusal>
        let called = ContinuousClock.now
        do {
            result = try await dispatch.serve(
                admission, snapshot: snapshot, operation: operation(body), requestCredential: requestCredential,
                requestID: requestID, clientHeaders: Self.forwardable(request.headers))
        } catch {
            return refuse(stateUnavailable(.credential, error, requestID: requestID), admission)
        }
        let served: UpstreamDispatch.Served
        switch result {
        case .failure(let refusal): return refuse(refusal, admission)
        case .success(let value): served = value
        }
        metrics.upstream(provider: served.candidate.provider, took: ContinuousClock.now - called)
        for (candidate, failure) in served.failures {
            metrics.fellBack(from: candidate.provider)
            logger.warning(
                "fell back",
                metadata: [
                    "requestId": .string(requestID), "provider": .string(candidate.provider),
                    "model": .string(candidate.model), "reason": .string(failure.description),
                ])
        }
        var headers = HTTPFields()
        headers[DataPlaneHeaders.requestID] = requestID
        if format == .anthropic { headers[DataPlaneHeaders.anthropicRequestID] = requestID }
        headers[DataPlaneHeaders.servedBy] = served.candidate.provider
        headers[DataPlaneHeaders.credential] = served.candidate.credentialKind.rawValue
        @Sendable func finished(_ usage: TokenUsage) {
            metrics.served(
                route: route, team: admission.team?.metadata.name ?? "none", model: served.candidate.model,
                provider: served.candidate.provider, credential: served.candidate.credentialKind)
            log(requestID, admission, served: served.candidate, usage: usage, started: started, traceID: traceID)
        }
        func answer(_ body: ByteBuffer, usage: TokenUsage) async -> Response {
            await account(
                admission, served.candidate, usage, requestID: requestID, endpoint: endpoint, snapshot: snapshot)
            finished(usage)
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
        switch served.reply {
        case .complete(let body, let usage):
            return await answer(ByteBuffer(bytes: body.encoded()), usage: usage)
        case .verbatim(let body, let usage):
            return await answer(body, usage: usage)
        case .stream(let events, let meter):
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            let plane = self
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    do {
                        var first = true
                        for try await event in events {
                            if first {
                                first = false
                                plane.metrics.firstToken(
                                    provider: served.candidate.provider, after: ContinuousClock.now - called)
                            }
                            try await writer.write(ByteBuffer(bytes: event.bytes))
                        }
                    } catch {
                        plane.logger.warning(
                            "the upstream stream broke",
                            metadata: ["requestId": .string(requestID), "reason": "\(error)"])
                    }
                    await plane.account(
                        admission, served.candidate, meter.usage, requestID: requestID, endpoint: endpoint,
                        snapshot: snapshot)
                    finished(meter.usage)
                    try await writer.finish(nil)
                })
        }
    }

    /// Queues the usage record (which debits credits for system-credential spend) and charges token rate limits.
    func account(
        _ admission: Admission, _ candidate: RouteCandidate, _ usage: TokenUsage, requestID: String,
        endpoint: AdmissionRequest.Endpoint, snapshot: GatewaySnapshot
    ) async {
        guard let team = admission.team, let key = admission.key else { return }
        let pricing = snapshot.offers(of: candidate.model).first { $0.provider.metadata.name == candidate.provider }?
            .model.pricing
        let cost = pricing?.costMicroUSD(inputTokens: usage.input, outputTokens: usage.output) ?? 0
        limiter.charge(tokens: usage.total, team: team, key: key)
        let record = UsageRecord(
            requestID: requestID, team: team.metadata.name, key: key.name, model: candidate.model,
            provider: candidate.provider, credentialKind: candidate.credentialKind,
            credentialName: candidate.credentialName, inputTokens: usage.input, outputTokens: usage.output,
            costMicroUSD: cost, requestedModel: admission.requestedModel,
            endpoint: ExplainRequest.Endpoint(rawValue: endpoint.rawValue))
        spend.charge(record)
        usageWriter.note(record)
    }

    /// One line per request: who, what, how it was served or why it was refused. Never content.
    func log(
        _ requestID: String, _ admission: Admission?, refusal: Refusal? = nil, served: RouteCandidate? = nil,
        usage: TokenUsage? = nil, started: ContinuousClock.Instant, traceID: String? = nil
    ) {
        guard logger.logLevel <= .info, refusal != nil || served != nil else { return }
        let served = refusal == nil ? served : nil
        // In key order, the order the log handler gives metadata, so the line can go straight out.
        var fields: [(key: String, value: String)] = []
        fields.reserveCapacity(12)
        func add(_ key: String, _ value: String?) {
            if let value { fields.append((key, value)) }
        }
        add("code", refusal?.code.rawValue)
        add("credential", served?.credentialKind.rawValue)
        add("inputTokens", served.map { _ in String(usage?.input ?? 0) })
        add("key", admission?.keyName)
        add("layer", refusal?.layer.rawValue)
        // Refused before the body was read, a request has no model yet.
        add("model", admission.flatMap { $0.model.isEmpty ? nil : $0.model })
        add("ms", String(Self.milliseconds(ContinuousClock.now - started)))
        add("outputTokens", served.map { _ in String(usage?.output ?? 0) })
        add("provider", served?.provider)
        add("requestId", requestID)
        add("team", admission?.team?.metadata.name)
        add("traceId", traceID)
        let message = refusal == nil ? "served" : "refused"
        // Straight to our handler, the line costs 1 – 3 µs; through Logger.Metadata, sorting and
        // time formatting per line it cost 5 – 15 µs, the largest piece of the data plane's own
        // work (`gwbench hotpath`).
        if let handler = JSONLogHandler.direct(logger, at: .info) {
            JSONLogHandler.emit(
                JSONLogHandler.line(
                    ts: LogTime.now(), level: Logger.Level.info.rawValue, label: handler.label, message: message,
                    fields: fields))
        } else {
            logger.info(
                "\(message)",
                metadata: Logger.Metadata(uniqueKeysWithValues: fields.map { ($0.key, .string($0.value)) }))
        }
    }

    /// The key from `Authorization: Bearer …` or `x-api-key`.
    static func apiKey(in request: Request) -> String? {
        // The scheme is matched case-insensitively without lowercasing the whole header.
        if let header = request.headers[.authorization], header.utf8.count > 7,
            header.utf8.prefix(7).lazy.map({ $0 | 0x20 }).elementsEqual("bearer ".utf8)
        {
            // Foundation's trimming took 2% of a loaded gatewayd's CPU; spaces and tabs are all a header holds.
            let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            var key = header.utf8.dropFirst(7)
            while let first = key.first, isBlank(first) { key.removeFirst() }
            while let last = key.last, isBlank(last) { key.removeLast() }
            return key.isEmpty ? nil : String(Substring(key))
        }
        if let key = request.headers[DataPlaneHeaders.apiKey], !key.isEmpty { return key }
        return nil
    }

    /// The client's headers that may go on to a provider (``ForwardedHeaders``), lowercased.
    static func forwardable(_ headers: HTTPFields) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        for field in headers {
            let name = field.name.canonicalName
            if ForwardedHeaders.isForwardable(name) { out.append((name, field.value)) }
        }
        return out
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 1000).rounded() / 1000
    }

    /// A read of gatewayd's own state failed while `layer` needed it. The store's error goes to
    /// the log under the request id and never to the caller: it can name hosts and statements.
    func stateUnavailable(_ layer: AdmissionLayer, _ error: any Error, requestID: String) -> Refusal {
        logger.error(
            "cannot read the state", metadata: ["requestId": .string(requestID), "reason": "\(error)"])
        return Refusal(
            code: .stateUnavailable, message: "the gateway cannot read its state right now; retry shortly",
            layer: layer, hint: "operators: gatewayd's log has the store's error under this request id",
            retryAfterSeconds: 1)
    }

    static let missingKey = Refusal(
        code: .invalidAPIKey, message: "no API key: send Authorization: Bearer <key> (or x-api-key)",
        layer: .authentication)

}
