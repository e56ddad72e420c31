import AsyncHTTPClient
import Foundation

/// A server the benchmark starts as its own process (gatewayd, LiteLLM's proxy), stopped when
/// the benchmark ends. Output goes to a log file, so a chatty server never blocks on a full pipe.
final class ChildProcess {
    let name: String
    let log: URL
    private let process = Process()

    init(name: String, executable: String, arguments: [String], environment: [String: String] = [:], log: URL) throws {
        self.name = name
        self.log = log
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until `url` answers any HTTP status, or fails after `seconds` (the log says why).
    func waitUntilServing(_ url: String, seconds: Double = 60) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            guard process.isRunning else { break }
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2)) {
                _ = try? await response.body.collect(upTo: 1 << 20)
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchmarkError("\(name) did not start serving \(url); see \(log.path)")
    }

    var pid: Int32 { process.processIdentifier }

    /// Resident memory now, from /proc (VmRSS), in MiB; nil once the process is gone.
    var residentMegabytes: Int? { statusField("VmRSS:") }

    /// Peak resident memory so far, from /proc (VmHWM), in MiB; nil once the process is gone.
    var peakResidentMegabytes: Int? { statusField("VmHWM:") }

    /// A memory line of /proc/PID/status, in MiB.
    private func statusField(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return kilobytes / 1024
        }
        return nil
    }

    /// SIGTERM, then SIGKILL after five seconds (LiteLLM's server can take its time).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A benchmark that cannot run as asked, with the reason.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
