import Foundation

/// The terminal facts the CLI needs: where output goes and whether it may be coloured.
enum Terminal {
    /// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
    static func supportsColor(fileDescriptor: Int32) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(fileDescriptor) == 1
    }

    static func write(_ text: String, to handle: FileHandle) {
        guard !text.isEmpty else { return }
        handle.write(Data(text.utf8))
    }

    /// Ends the process with `status` once buffered standard output is written.
    static func flushAndExit(_ status: Int32) -> Never {
        fflush(nil)  // all C streams; naming `stdout` is not concurrency-safe in Swift 6
        exit(status)
    }
}
