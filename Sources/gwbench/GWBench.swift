import ArgumentParser

/// Benchmarks for gwctl's control plane; each subcommand prints the numbers BENCHMARKS.md reports.
@main
struct GWBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gwbench",
        abstract: "Benchmarks for gwctl. Build with -c release before measuring.",
        subcommands: [
            ValidateBenchmark.self, GenerateManifest.self, AdminBenchmark.self, PlanBenchmark.self, AuditBenchmark.self,
            SharedStateBenchmark.self, DataPlaneBenchmark.self, SoakTest.self,
        ]
    )
}
