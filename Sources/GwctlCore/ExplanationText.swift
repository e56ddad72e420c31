import GatewayModel

/// `gwctl explain` as a person reads it: one line per admission decision, then the outcome.
public enum ExplanationText {
    public static func render(_ explanation: Explanation, target: String) -> String {
        var out = "Target: \(target)\n"
        let who = explanation.key.map { "key \($0)" } ?? "an unknown caller"
        out += "\(who) asks for \(explanation.requestedModel)"
        if explanation.model != explanation.requestedModel { out += " (rewritten to \(explanation.model))" }
        out += "\n\n"
        for line in steps(explanation) { out += "  \(line)\n" }
        out += "\n"
        if let refusal = explanation.refusal {
            out +=
                "Refused: \(refusal.status) \(refusal.code.rawValue) at \(refusal.layer.rawValue): \(refusal.message)\n"
            if let rule = refusal.rule { out += "  rule: \(rule)\n" }
            if let hint = refusal.hint { out += "  hint: \(hint)\n" }
        } else {
            out += "Admitted. Providers in order:\n"
            for (index, candidate) in explanation.route.enumerated() {
                let credential: String =
                    switch candidate.credentialKind {
                    case .teamBYOK: "team BYOK credential '\(candidate.credentialName ?? "")' (no credits used)"
                    case .requestBYOK: "the credential passed with the request (no credits used)"
                    case .system: "system credential, paid from the team's credits"
                    }
                out +=
                    "  \(index + 1). \(candidate.provider): \(candidate.model) as '\(candidate.upstreamModel)', \(credential)\n"
            }
        }
        return out
    }

    /// The decision trace, one line per step: `pass    rules      no rule matches`.
    public static func steps(_ explanation: Explanation) -> [String] {
        let width = explanation.steps.map(\.layer.rawValue.count).max() ?? 0
        return explanation.steps.map { step in
            let mark =
                switch step.outcome {
                case .pass: "pass  "
                case .note: "note  "
                case .refuse: "REFUSE"
                }
            let layer = step.layer.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            return "\(mark)  \(layer)  \(step.detail)"
        }
    }
}
