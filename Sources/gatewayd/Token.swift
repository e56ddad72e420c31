import ArgumentParser
import Foundation
import GatewayModel
import GatewayServer
import GatewayStore

/// `gatewayd token create NAME --role writer`: a new admin token, printed once.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage admin tokens.", subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an admin token; prints it once and stores only its hash.")

        @OptionGroup var files: StateOptions
        @Argument(help: "A name for the token (shown in the audit log).") var name: String
        @Option(help: "reader or writer.") var role = "reader"

        func run() throws {
            guard let role = AdminRole(rawValue: role) else { throw ValidationError("--role is reader or writer") }
            guard !name.isEmpty, !name.contains(" ") else { throw ValidationError("the name must be one word") }
            let stateFiles = StateFiles(statePath: files.state, tokensPath: files.tokens)
            let token = AdminTokens.generateToken()
            let line = AdminTokens.fileLine(name: name, role: role, token: token)
            let url = URL(fileURLWithPath: stateFiles.tokensPath)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if let handle = FileHandle(forWritingAtPath: stateFiles.tokensPath) {
                handle.seekToEndOfFile()
                handle.write(Data(line.utf8))
                try handle.close()
            } else {
                guard
                    FileManager.default.createFile(
                        atPath: stateFiles.tokensPath, contents: Data(line.utf8), attributes: [.posixPermissions: 0o600]
                    )
                else { throw ValidationError("cannot write \(stateFiles.tokensPath)") }
            }
            print(token)
        }
    }
}
