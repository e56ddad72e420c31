import GatewayModel

extension AccessReview {
    /// One statement of a review, as the text and Markdown renderings print it.
    public struct Entry: Sendable, Hashable {
        public var widening: Bool
        /// `+` gains, `-` loses, `~` pays differently, `!` a setting, `$` spend.
        public var symbol: String
        /// `10000 keys gain anthropic: claude-opus-4 via system credential (credits)`.
        public var text: String
        /// Examples and reasons, one per line.
        public var details: [String]
    }

    /// How many reasons an entry lists; the JSON has them all.
    static let reasonsShown = 4

    /// The review's statements, widening ones first: reach, then settings, then spend in each part.
    public var entries: [Entry] {
        var result: [Entry] = []
        for change in changes {
            let keys = change.keys == 1 ? "1 key" : "\(change.keys) keys"
            let models = change.models.joined(separator: ", ")
            let (symbol, headline): (String, String)
            switch change.kind {
            case .gains:
                symbol = "+"
                headline =
                    "\(keys) \(change.keys == 1 ? "gains" : "gain") \(change.provider): \(models)"
                    + (change.after.map { " via \($0)" } ?? "")
            case .loses:
                symbol = "-"
                headline =
                    "\(keys) \(change.keys == 1 ? "loses" : "lose") \(change.provider): \(models)"
                    + (change.before.map { " (was via \($0))" } ?? "")
            case .credential:
                symbol = "~"
                headline =
                    "\(keys) now \(change.keys == 1 ? "pays" : "pay") for \(change.provider): \(models) via \(change.after?.description ?? "?") (was \(change.before?.description ?? "?"))"
            }
            var details = [
                "e.g. " + change.examples.joined(separator: ", ") + (change.keys > change.examples.count ? ", …" : "")
            ]
            details += change.reasons.prefix(Self.reasonsShown).map { "because " + $0 }
            if change.reasons.count > Self.reasonsShown {
                details.append("and \(change.reasons.count - Self.reasonsShown) more reasons (in --json)")
            }
            result.append(Entry(widening: change.widening, symbol: symbol, text: headline, details: details))
        }
        for setting in settings {
            let subjects = setting.count == 1 ? setting.examples[0] : "\(setting.count) resources"
            let details =
                setting.count == 1
                ? []
                : [
                    "e.g. " + setting.examples.joined(separator: ", ")
                        + (setting.count > setting.examples.count ? ", …" : "")
                ]
            result.append(
                Entry(
                    widening: setting.widening, symbol: "!", text: "\(subjects): \(setting.summary)", details: details))
        }
        result += spend.entries
        return result.filter(\.widening) + result.filter { !$0.widening }
    }
}

extension SpendExposure {
    /// The spend statements: the sum of budgets of each period that changes, and unbudgeted keys.
    var entries: [AccessReview.Entry] {
        var result: [AccessReview.Entry] = []
        for total in periods where total.beforeUSD != total.afterUSD {
            result.append(
                AccessReview.Entry(
                    widening: total.afterUSD > total.beforeUSD, symbol: "$",
                    text:
                        "\(total.period.rawValue) budgets add up to \(PeriodTotal.dollars(total.afterUSD)) (was \(PeriodTotal.dollars(total.beforeUSD)))",
                    details: []))
        }
        if unbudgetedBefore != unbudgetedAfter {
            result.append(
                AccessReview.Entry(
                    widening: unbudgetedAfter > unbudgetedBefore, symbol: "$",
                    text:
                        "\(unbudgetedAfter) keys can spend system credits with no budget (was \(unbudgetedBefore))",
                    details: newlyUnbudgeted.isEmpty ? [] : ["e.g. " + newlyUnbudgeted.joined(separator: ", ")]))
        }
        return result
    }
}
