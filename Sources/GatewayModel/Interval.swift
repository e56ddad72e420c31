/// A span of time as manifests and flags spell it: `90s`, `30m`, `24h`, `7d`, or `0`.
///
/// One parser for every such setting (a key's rotation overlap, `--since`, `--replay`), so a
/// spelling accepted in one place is accepted in all.
public enum Interval {
    /// The seconds `text` spells, or nil when it is not a whole number followed by `s`, `m`, `h`
    /// or `d` (a bare `0` is accepted: zero needs no unit).
    public static func seconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        guard let unit = text.last, text.count > 1, text.dropLast().allSatisfy(\.isASCIIDigit),
            let amount = Int64(text.dropLast())
        else { return nil }
        let (scale, overflow): (Int64, Bool)
        switch unit {
        case "s": (scale, overflow) = amount.multipliedReportingOverflow(by: 1)
        case "m": (scale, overflow) = amount.multipliedReportingOverflow(by: 60)
        case "h": (scale, overflow) = amount.multipliedReportingOverflow(by: 3_600)
        case "d": (scale, overflow) = amount.multipliedReportingOverflow(by: 86_400)
        default: return nil
        }
        return overflow ? nil : scale
    }

    /// `seconds` in the largest whole unit, days only from two days on: 86400 → `24h`, 604800 → `7d`.
    public static func text(_ seconds: Int64) -> String {
        guard seconds != 0 else { return "0" }
        if seconds % 86_400 == 0, seconds >= 2 * 86_400 { return "\(seconds / 86_400)d" }
        for (unit, size) in [("h", Int64(3_600)), ("m", 60)] where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }

    /// Words for a message: `24h`, or `at once` for zero.
    public static func words(_ seconds: Int64) -> String {
        seconds == 0 ? "at once" : "for \(text(seconds))"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
