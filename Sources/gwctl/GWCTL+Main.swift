import ArgumentParser
import Foundation

extension GWCTL {
    /// Runs the command, printing every failure in one place: argument-parser's own errors
    /// (usage, `--help`, exit codes a command chose) as it prints them, anything else a command
    /// throws as one `error: …` line on standard error, with exit status 1.
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as ExitCode {
            exit(withError: error)
        } catch let error as CleanExit {
            exit(withError: error)
        } catch let error as ValidationError {
            exit(withError: error)
        } catch {
            Terminal.write("error: \(error)\n", to: .standardError)
            exit(withError: ExitCode(1))
        }
    }
}
