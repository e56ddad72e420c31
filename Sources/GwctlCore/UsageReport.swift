import Foundation
import GatewayModel

/// `gwctl usage`: spend and tokens from the gateway's usage records, grouped one way.
public struct UsageReport: Sendable {
    /// What rows are grouped by.
    public enum Grouping: String, Sendable, CaseIterable {
        case team
        case key
        case model
        case provider
        case credential

        func group(of record: UsageRecord) -> String {
            switch self {
            case .team: return record.team
            case .key: return record.team + "/" + record.key
            case .model: return record.model
            case .provider: return record.provider
            case .credential:
                return record.credentialName.map { "\(record.credentialKind.rawValue) \(record.team)/\($0)" }
                    ?? record.credentialKind.rawValue
            }
        }
    }

    /// One group's totals.
    public struct Row: Sendable, Hashable, Codable {
        public var group: String
        public var requests: Int
        public var inputTokens: Int
        public var outputTokens: Int
        /// Spend paid from credits (system credentials).
        public var creditsMicroUSD: Int64
        /// Spend at list price through BYOK credentials, which the teams pay their providers.
        public var byokMicroUSD: Int64
    }

    public let grouping: Grouping
    public let since: Timestamp
    public let rows: [Row]

    public init(records: [UsageRecord], grouping: Grouping, since: Timestamp) {
        var rows: [String: Row] = [:]
        for record in records {
            let group = grouping.group(of: record)
            var row =
                rows[group]
                ?? Row(
                    group: group, requests: 0, inputTokens: 0, outputTokens: 0, creditsMicroUSD: 0, byokMicroUSD: 0)
            row.requests += 1
            row.inputTokens += record.inputTokens
            row.outputTokens += record.outputTokens
            if record.credentialKind == .system {
                row.creditsMicroUSD += record.costMicroUSD
            } else {
                row.byokMicroUSD += record.costMicroUSD
            }
            rows[group] = row
        }
        self.grouping = grouping
        self.since = since
        self.rows = rows.values.sorted {
            ($0.creditsMicroUSD + $0.byokMicroUSD, $1.group) > ($1.creditsMicroUSD + $1.byokMicroUSD, $0.group)
        }
    }

    private static func dollars(_ micro: Int64) -> String { String(format: "%.6f", Double(micro) / 1_000_000) }

    private var header: [String] {
        [grouping.rawValue, "requests", "input_tokens", "output_tokens", "credits_usd", "byok_usd"]
    }

    private func fields(_ row: Row) -> [String] {
        [
            row.group, String(row.requests), String(row.inputTokens), String(row.outputTokens),
            Self.dollars(row.creditsMicroUSD), Self.dollars(row.byokMicroUSD),
        ]
    }

    /// Aligned columns, numbers right-aligned, with a total line.
    public func table() -> String {
        let total = Row(
            group: "total", requests: rows.map(\.requests).reduce(0, +),
            inputTokens: rows.map(\.inputTokens).reduce(0, +),
            outputTokens: rows.map(\.outputTokens).reduce(0, +),
            creditsMicroUSD: rows.map(\.creditsMicroUSD).reduce(0, +),
            byokMicroUSD: rows.map(\.byokMicroUSD).reduce(0, +))
        return "Usage since \(since), by \(grouping.rawValue)\n"
            + Tabular.aligned([header] + rows.map(fields) + [fields(total)], rightAligned: Set(1..<header.count))
    }

    /// RFC 4180 CSV with a header line.
    public func csv() -> String { Tabular.csv([header] + rows.map(fields)) }
}
