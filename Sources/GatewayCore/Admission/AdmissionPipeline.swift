import GatewayModel

/// Admission steps 1–7 over one snapshot: what the data plane runs before calling a provider,
/// and what `explain` runs instead of calling one.
public struct AdmissionPipeline: Sendable {
    public let snapshot: GatewaySnapshot
    public let ledger: any SpendLedger
    public let limiter: RateLimiter

    public init(snapshot: GatewaySnapshot, ledger: any SpendLedger, limiter: RateLimiter) {
        self.snapshot = snapshot
        self.ledger = ledger
        self.limiter = limiter
    }

    /// Runs every step; `consume` takes from the rate-limit buckets (false for explanations).
    /// `identified`: steps 1 and 2 already decided for this caller over this snapshot
    /// (``AdmissionPolicy/evaluate(_:identified:)``).
    public func admit(
        _ request: AdmissionRequest, identified: Admission? = nil, consume: Bool = true, forAdmin: Bool = false
    ) async throws
        -> Admission
    {
        var admission = AdmissionPolicy(snapshot: snapshot, forAdmin: forAdmin).evaluate(
            request, identified: identified)
        try await SpendCheck(ledger: ledger).apply(to: &admission, snapshot: snapshot, now: request.now)
        limiter.apply(to: &admission, consume: consume)
        return admission
    }

    /// The answer to `POST /admin/v1/explain`: steps 1–7 for a named key, without calling a provider.
    public func explain(_ request: ExplainRequest, now: Timestamp = .now) async throws -> Explanation {
        let endpoint: AdmissionRequest.Endpoint = request.endpoint == .embeddings ? .embeddings : .chat
        let caller: AdmissionRequest.Caller
        if let text = request.claims {
            guard let json = try? JSON.parse(Array(text.utf8)), let claims = TokenClaims(payload: json) else {
                var admission = Admission(requestedModel: request.model)
                admission.refuse(
                    Refusal(
                        code: .invalidToken, message: "the claims are not a JSON object with an iss string",
                        layer: .authentication))
                return admission.explanation
            }
            caller = .identity(claims)
        } else {
            caller = .named(request.key ?? "")
        }
        let admission = try await admit(
            AdmissionRequest(
                caller: caller, model: request.model, endpoint: endpoint,
                carriesCredential: request.perRequestCredential ?? false, now: now),
            consume: false, forAdmin: true)
        var explanation = admission.explanation
        if let body = request.body, explanation.admitted {
            explanation = ProviderWire.carrying(
                body, format: ChatFormat(request.api ?? .chat), in: explanation, snapshot: snapshot)
        }
        return explanation
    }
}
