import Foundation

/// Runs an executable product of this package, built beside the test bundle.
public struct BuiltProduct: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public let url: URL

    /// The product `name` in the build directory of the running tests.
    public init(_ name: String) {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On macOS the test binary sits inside a .xctest bundle.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS"
            || directory.lastPathComponent == "Contents"
        {
            directory.deleteLastPathComponent()
        }
        url = directory.appendingPathComponent(name)
    }

    /// Runs the product with `arguments` in the repository root, with `environment` added, and waits.
    public func run(
        _ arguments: [String], environment: [String: String] = [:], directory: URL = PackageRoot.url
    )
        throws -> Result
    {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain stderr on another thread while this one drains stdout, so neither pipe can fill and stall the child.
        let stderrBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderrData = stderrBox.data
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

extension BuiltProduct {
    /// `run` from async code: the wait happens on a thread of its own, not on one of the
    /// cooperative pool's (two on a two-core machine). Blocking those would starve whatever
    /// in-process server the child talks to (a fault proxy, a mock upstream) until it times out.
    public func run(
        _ arguments: [String], environment: [String: String] = [:], directory: URL = PackageRoot.url
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Swift.Result { try self.run(arguments, environment: environment, directory: directory) })
            }.start()
        }
    }
}

/// Holds data written by one thread and read by another after a `DispatchGroup.wait()`.
// @unchecked Sendable: the only write happens before `group.leave()`, and the only read after `group.wait()`.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
