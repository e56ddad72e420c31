import ArgumentParser
import ReleaseInfo

/// The gwctl command line: argument parsing and wiring only; the work happens in the libraries.
@main
struct GWCTL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gwctl",
        abstract: "Declarative control plane for AI gateways.",
        version: Release.description,
        subcommands: [
            Validate.self, PlanCommand.self, ApplyCommand.self, DiffCommand.self, ExportCommand.self, Explain.self,
            UsageCommand.self, AuditCommand.self, TestCommand.self, RenderCommand.self,
            Schema.self,
        ]
    )
}
