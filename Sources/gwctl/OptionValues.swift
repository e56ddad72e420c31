import ArgumentParser
import GwctlCore
import PolicyAudit

// The closed sets of values gwctl's options take: the argument parser refuses anything else with
// the list of valid values, and the commands switch over cases instead of strings.

/// `gwctl usage --format`.
enum UsageFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json, csv
}

/// `gwctl explain --format`.
enum ExplainFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}

/// `gwctl audit --format`.
enum AuditFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json, csv, markdown
}

/// `gwctl audit --fail-on`: the least severe finding that makes the audit exit 2.
enum FailureThreshold: String, CaseIterable, ExpressibleByArgument {
    case warning, error

    /// The finding severity the threshold starts at.
    var severity: Finding.Severity {
        switch self {
        case .warning: return .warning
        case .error: return .error
        }
    }
}

extension UsageReport.Grouping: ExpressibleByArgument {}
extension AuditReport.Section: ExpressibleByArgument {}

extension TimeWindow {
    /// Reads an option's window, refusing an unreadable one with the form it must take.
    static func argument(for option: String) -> @Sendable (String) throws -> TimeWindow {
        { text in
            guard let window = TimeWindow(text) else {
                throw ValidationError("\(option) must look like \(TimeWindow.expectedForm)")
            }
            return window
        }
    }
}
