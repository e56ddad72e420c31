import ArgumentParser

/// gatewayd: the reference AI gateway. Argument parsing and wiring only.
@main
struct Gatewayd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatewayd",
        abstract: "The reference gateway: admin API over a state store.",
        version: "0.1.0",
        subcommands: [Serve.self, RotateMasterKey.self, Token.self],
        defaultSubcommand: Serve.self
    )
}

/// Where the state is; shared by every subcommand.
struct StateOptions: ParsableArguments {
    @Option(
        help: """
            The state: a SQLite file, or a PostgreSQL URL (postgres://user@host:port/database?sslmode=disable) \
            for several instances sharing one state.
            """)
    var state = ".gateway/state.db"
    @Option(help: "The master key file (default: master.key beside the state). GATEWAYD_MASTER_KEY overrides it.")
    var masterKey: String?
    @Option(help: "The admin tokens file (default: admin-tokens beside the state).") var tokens: String?
}
