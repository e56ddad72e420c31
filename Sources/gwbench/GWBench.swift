import ArgumentParser
import NIOCore
import NIOPosix

@main
enum GWBenchMain {
    static func main() async {
        // The pass-through floor runs as gatewayd does: tasks on the event loops (see gatewayd's main).
        if CommandLine.arguments.dropFirst().first == "passthrough" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await GWBench.main()
    }
}

/// Benchmarks for gwctl's control plane; each subcommand prints the numbers BENCHMARKS.md reports.
struct GWBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gwbench",
        abstract: "Benchmarks for gwctl. Build with -c release before measuring.",
        subcommands: [
            ValidateBenchmark.self, GenerateManifest.self, AdminBenchmark.self, PlanBenchmark.self, AuditBenchmark.self,
            SharedStateBenchmark.self, DataPlaneBenchmark.self, HotPathBenchmark.self, SoakTest.self, Passthrough.self,
            MockUpstreamCommand.self, ReplayBenchmark.self,
        ]
    )
}
