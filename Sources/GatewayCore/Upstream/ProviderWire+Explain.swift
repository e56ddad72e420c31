import GatewayModel

extension ChatFormat {
    /// The format of a data-plane API.
    public init(_ api: ExplainRequest.API) {
        switch api {
        case .chat: self = .openAI
        case .messages: self = .anthropic
        case .responses: self = .responses
        }
    }
}

extension ProviderWire {
    /// An explanation with a `translation` step for each provider of its route: whether the
    /// provider's format can carry `body`, decided by the same ``body(of:upstreamFormat:)`` the
    /// data plane calls. Candidates that cannot carry it leave the route; when none can, the
    /// explanation is the data plane's refusal.
    static func carrying(
        _ body: String, format: ChatFormat, in explanation: Explanation, snapshot: GatewaySnapshot
    ) -> Explanation {
        var explanation = explanation
        let parsed: JSON
        do {
            parsed = try JSON.parse(Array(body.utf8))
        } catch {
            let refusal = Refusal(
                code: .invalidRequest, message: "the body is not valid JSON: \(error)", layer: .request)
            explanation.steps.append(DecisionStep(layer: .request, outcome: .refuse, detail: refusal.message))
            explanation.admitted = false
            explanation.refusal = refusal
            explanation.route = []
            return explanation
        }
        var carried: [RouteCandidate] = []
        var first: (RouteCandidate, Untranslatable)?
        for candidate in explanation.route {
            guard let provider = snapshot.providers[candidate.provider] else { continue }
            let upstream = upstreamFormat(of: provider.type, for: format)
            let call = UpstreamCall(
                provider: provider, candidate: candidate, secret: nil,
                operation: .chat(format: format, body: parsed, stream: false, includeUsage: false),
                requestID: "explain",
                timeoutSeconds: 0)
            do {
                _ = try self.body(of: call, upstreamFormat: upstream)
                carried.append(candidate)
                let how = upstream == format ? "in the client's own format" : "translated to \(upstream.rawValue)"
                explanation.steps.append(
                    DecisionStep(
                        layer: .translation, outcome: .pass,
                        detail: "provider '\(candidate.provider)' can carry the request (\(how))"))
            } catch {
                if first == nil { first = (candidate, error) }
                explanation.steps.append(
                    DecisionStep(
                        layer: .translation, outcome: error.kind == .invalid ? .refuse : .note,
                        detail: "provider '\(candidate.provider)' (\(upstream.rawValue) format) cannot carry \(error)"))
                if error.kind == .invalid { break }
            }
        }
        if let (candidate, problem) = first, carried.isEmpty || problem.kind == .invalid {
            explanation.admitted = false
            explanation.refusal = UpstreamDispatch.refusal(problem, candidate: candidate)
            explanation.route = []
        } else {
            explanation.route = carried
        }
        return explanation
    }
}
