import ArgumentParser
import Foundation
import GatewayModel
import GwctlCore

/// `gwctl usage`: spend and tokens from the gateway's usage records.
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract:
            "Spend and tokens from the gateway's usage records, grouped by team, key, model, provider or credential."
    )

    @Option(help: "Group by: team, key, model, provider or credential.") var groupBy = UsageReport.Grouping.team
    @Option(
        help: "Records since: 7d, 24h, 30m, or an RFC 3339 instant.", transform: TimeWindow.argument(for: "--since"))
    var since = TimeWindow.lastSevenDays
    @Option(name: .customLong("team"), help: "Only this team's records.") var team: String?
    @Option(help: "Output format: table, json or csv.") var format = UsageFormat.table
    @OptionGroup var targetOptions: TargetOptions

    func run() async throws {
        let target = try targetOptions.target()
        let from = since.since()
        let records = try await target.reader()?.usage(since: from, team: team) ?? []
        let report = UsageReport(records: records, grouping: groupBy, since: from)
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report.rows), as: UTF8.self))
        case .csv:
            print(report.csv(), terminator: "")
        case .table:
            print(report.table(), terminator: "")
        }
    }
}
