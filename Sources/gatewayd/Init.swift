import ArgumentParser
import Foundation
import GatewayStore
import Logging

/// `gatewayd init`: the files a first start needs (a master key and a writer admin token), created
/// when missing, without serving; for provisioning a service before its first start.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the master key and a writer admin token if there are none, then exit.",
        discussion: """
            The master key goes to --master-key (default: master.key beside the state), the admin tokens' \
            hashes to --tokens (default: admin-tokens beside the state) and the new token itself to \
            admin-token beside the tokens file, all mode 0600. Files that exist are left as they are, so \
            running it again changes nothing. Serve with the same options afterwards.
            """
    )

    @OptionGroup var files: StateOptions

    func run() throws {
        let stateFiles = StateFiles(statePath: files.state, masterKeyPath: files.masterKey, tokensPath: files.tokens)
        let environment = ProcessInfo.processInfo.environment
        let (_, created) = try stateFiles.keyring(environment: environment, create: true)
        if !(environment[StateFiles.masterKeyEnvironment] ?? "").isEmpty {
            print("the master key comes from \(StateFiles.masterKeyEnvironment); no key file written")
        } else {
            print(created ? "created the master key \(stateFiles.masterKeyPath)" : "kept \(stateFiles.masterKeyPath)")
        }
        let hadTokens = FileManager.default.fileExists(atPath: stateFiles.tokensPath)
        var logger = Logger(label: "gatewayd")
        logger.logLevel = .error
        let setup = AdminTokenSetup(files: stateFiles, logger: logger)
        _ = try setup.load(environment: [:], create: true)
        print(
            hadTokens
                ? "kept \(stateFiles.tokensPath)"
                : "created a writer admin token in \(setup.tokenFile) (its hash in \(stateFiles.tokensPath))")
    }
}
