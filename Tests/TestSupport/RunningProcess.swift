import Foundation

/// A started product running in the background (a server), with its output in a file.
public final class RunningProcess: Sendable {
    public let process: Process
    public let logFile: URL

    init(process: Process, logFile: URL) {
        self.process = process
        self.logFile = logFile
    }

    /// Everything the process wrote to stdout and stderr so far.
    public var output: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM and waits (up to `timeout` seconds) for the process to end; returns its status.
    @discardableResult
    public func terminate(timeout: Double = 10) -> Int32 {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits (up to `timeout` seconds) for the process to end by itself, then stops it if it has not.
    public func waitForExit(timeout: Double = 15) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        return terminate()
    }

    /// Waits until `file` exists and is non-empty (e.g. a port file), or the process exits.
    public func waitForFile(_ file: String, timeout: Double = 30) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), !text.isEmpty { return text }
            if !process.isRunning { break }
            usleep(20_000)
        }
        throw StartError(message: "\(file) did not appear; output:\n\(output)")
    }

    public struct StartError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}

extension BuiltProduct {
    /// Starts the product in the background; stop it with `terminate()`.
    public func start(
        _ arguments: [String], environment: [String: String] = [:], directory: URL
    ) throws
        -> RunningProcess
    {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let logFile = directory.appendingPathComponent("process-\(UUID()).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningProcess(process: process, logFile: logFile)
    }
}
