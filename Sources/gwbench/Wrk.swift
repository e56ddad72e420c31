import Foundation

/// Load from wrk (Debian's `wrk`, version 4): one POST request over and over, on its own
/// connections, with its latency histogram read back through a Lua `done` hook.
///
/// wrk 4 has no fixed-rate mode, so a paced run gives every connection a think time between
/// requests (`delay`), set so that connections × 1000 / (think time + latency) is the rate asked
/// for; the achieved rate is reported next to the target.
struct Wrk {
    struct Target: Sendable {
        var url: String
        var body: String
        var headers: [String: String]
    }

    /// One run's result; latencies in milliseconds.
    struct Result: Sendable, Codable {
        var requests: Int
        var seconds: Double
        var errors: Int
        var p50: Double
        var p90: Double
        var p99: Double
        var p999: Double
        var max: Double
        var mean: Double
        var rate: Double { Double(requests) / seconds }
    }

    var executable = "/usr/bin/wrk"
    var directory: URL

    /// Runs wrk for `seconds` with `connections`; `thinkMilliseconds` between a response and the next request.
    func run(_ target: Target, connections: Int, seconds: Int, thinkMilliseconds: Int? = nil) throws -> Result {
        let script = directory.appendingPathComponent("wrk-\(UUID().uuidString.prefix(8)).lua")
        try Self.script(target, thinkMilliseconds: thinkMilliseconds).write(
            to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "-t", "1", "-c", String(connections), "-d", "\(seconds)s", "--timeout", "10s", "-s", script.path,
            target.url,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("WRK_RESULT ") }) else {
            throw BenchmarkError("wrk printed no result:\n\(text)")
        }
        return try JSONDecoder().decode(Result.self, from: Data(line.dropFirst("WRK_RESULT ".count).utf8))
    }

    /// A run near `rate` requests/s: a short calibration run measures the latency at that load,
    /// then the think time is set from it.
    func run(_ target: Target, rate: Int, seconds: Int) throws -> (result: Result, connections: Int) {
        // 50 ms between a connection's requests: whole-millisecond think times stay accurate.
        let connections = max(1, rate / 20)
        let interval = 1000 * connections / rate
        let calibration = try run(target, connections: connections, seconds: 2, thinkMilliseconds: interval)
        let think = max(0, interval - Int(calibration.mean.rounded()))
        return (try run(target, connections: connections, seconds: seconds, thinkMilliseconds: think), connections)
    }

    static func script(_ target: Target, thinkMilliseconds: Int?) -> String {
        var lines = [
            "wrk.method = \"POST\"",
            "wrk.body = \(luaString(target.body))",
        ]
        for (name, value) in target.headers.sorted(by: { $0.key < $1.key }) {
            lines.append("wrk.headers[\(luaString(name))] = \(luaString(value))")
        }
        if let thinkMilliseconds { lines.append("function delay() return \(thinkMilliseconds) end") }
        // Latencies arrive in microseconds; errors count non-2xx answers, timeouts and socket errors.
        lines.append(
            """
            function done(summary, latency, requests)
              local e = summary.errors
              io.write(string.format(
                'WRK_RESULT {"requests":%d,"seconds":%f,"errors":%d,"p50":%f,"p90":%f,"p99":%f,"p999":%f,"max":%f,"mean":%f}\\n',
                summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.status + e.timeout,
                latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
                latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000))
            end
            """)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func luaString(_ value: String) -> String {
        var escaped = "\""
        for character in value.unicodeScalars {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped + "\""
    }
}
