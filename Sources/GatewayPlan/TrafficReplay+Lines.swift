import GatewayModel

extension TrafficReplay {
    /// How many keys of the newly refused are named one by one; the rest are counted.
    public static let keysShown = 5

    /// One line of the replay as text and Markdown print it.
    struct Line {
        var symbol: String
        var text: String
        var details: [String] = []
    }

    /// The heading: what was replayed.
    var heading: String {
        "Replay of the last \(window) (since \(since)): \(Self.count(requests, "request")) in "
            + "\(Self.count(groups, "group")); the \(decided) of keys the plan can affect decided again under the planned state"
    }

    /// Widening first (moves onto credits, requests now served), then refusals, other moves,
    /// and spend.
    var lines: [Line] {
        guard changes else {
            return [Line(symbol: "=", text: "no replayed request is refused, moved or priced differently")]
        }
        var lines: [Line] = []
        lines += moves.filter(\.widening).map(moveLine)
        if restored > 0 {
            lines.append(
                Line(symbol: "+", text: "\(Self.count(restored, "request")) the live state refuses would be served"))
        }
        if refused > 0 {
            let codes = refusalsByCode.map { "\($0.name) \($0.requests)" }.joined(separator: ", ")
            var details = refusalsByKey.prefix(Self.keysShown).map {
                "\($0.key): \(Self.count($0.requests, "request")) (\($0.models.joined(separator: ", "))) — "
                    + "\($0.code): \($0.reason)"
            }
            if refusalsByKey.count > Self.keysShown {
                details.append("… and \(refusalsByKey.count - Self.keysShown) more keys")
            }
            lines.append(
                Line(
                    symbol: "-", text: "\(Self.count(refused, "request")) would now be refused: \(codes)",
                    details: details))
        }
        lines += moves.filter { !$0.widening }.map(moveLine)
        if spend.changes {
            lines.append(
                Line(
                    symbol: "$",
                    text:
                        "their spend at the planned prices: credits \(ReplaySpend.dollars(micro: spend.creditsBeforeMicroUSD))"
                        + " → \(ReplaySpend.dollars(micro: spend.creditsAfterMicroUSD)), BYOK "
                        + "\(ReplaySpend.dollars(micro: spend.byokBeforeMicroUSD)) → "
                        + "\(ReplaySpend.dollars(micro: spend.byokAfterMicroUSD))"))
        }
        return lines
    }

    /// A move; `!` when credits now pay for what BYOK paid.
    private func moveLine(_ move: ReplayMove) -> Line {
        let examples = move.examples.joined(separator: ", ") + (move.keys > move.examples.count ? ", …" : "")
        return Line(
            symbol: move.widening ? "!" : "~",
            text: "\(Self.count(move.requests, "request")) move from \(move.fromProvider) "
                + "(\(move.fromCredential)) to \(move.toProvider) (\(move.toCredential)), "
                + "\(Self.count(move.keys, "key")): \(examples)")
    }

    /// The note on requests the live state already decides differently, when there are any.
    var driftNote: String? {
        drifted == 0
            ? nil
            : "\(Self.count(drifted, "request")) would already be decided differently by the live state than "
                + "when served; they are compared with the live state, not with their recorded route"
    }

    static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }
}
