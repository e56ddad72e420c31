import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MockUpstream

/// `gwbench mock-upstream`: the strict provider stand-in on its own port, for test suites in
/// other processes (the SDK suite points OpenAI- and Anthropic-format providers at it and reads
/// what they received from `GET /_mock/received`).
struct MockUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-upstream",
        abstract: "Serve the strict OpenAI/Anthropic stand-in on 127.0.0.1 (for test suites).", shouldDisplay: false)

    @Option(help: "The port to listen on; 0 picks a free one.") var port = 0
    @Option(help: "Write the port here once listening.") var portFile: String?

    func run() async throws {
        var logger = Logger(label: "mock-upstream")
        logger.logLevel = .warning
        let portFile = self.portFile
        let app = Application(
            router: MockUpstream().router(), configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
            }, logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
