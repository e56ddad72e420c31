import ArgumentParser
import NIOCore
import NIOPosix
import ReleaseInfo

/// Runs gatewayd's tasks on SwiftNIO's event loops instead of Swift Concurrency's default pool.
///
/// A proxied request is socket I/O from start to end: the client's request arrives on an event
/// loop, the upstream call goes out on one, and the answer is written on one. On the default pool
/// every `await` between those crossed threads (a futex wake and a context switch each way, a
/// quarter of gatewayd's CPU at load). With the event loops as the global executor the handler
/// runs on the loop that owns its connection. Blocking work stays off the loops: SQLite runs on
/// GRDB's own queues and PostgreSQL is non-blocking I/O.
@main
enum GatewaydMain {
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Gatewayd.main()
    }
}

/// gatewayd: the reference AI gateway. Argument parsing and wiring only.
struct Gatewayd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatewayd",
        abstract: "The reference gateway: admin API over a state store.",
        version: Release.description,
        subcommands: [Serve.self, Init.self, RotateMasterKey.self, Token.self],
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
