import AsyncHTTPClient
import Foundation
import NIOCore

extension DataPlaneRun {
    /// Warm-up, the paced rates and the maximum for every target (interleaved, so that all three
    /// see the same machine), then time to first token; prints the tables and writes the results.
    func measure(_ plan: Plan) async throws {
        let wrk = Wrk(directory: directory)
        for (_, target) in targets { _ = try wrk.run(target, connections: 8, seconds: 2) }
        var rows: [Row] = []
        for rate in plan.rates {
            for (name, target) in targets {
                let (result, connections) = try wrk.run(target, rate: rate, seconds: plan.seconds)
                rows.append(Row(target: name, rate: rate, connections: connections, result: result))
                print(Self.line(rows.last!))
                await settle()
            }
        }
        for (name, target) in targets {
            let result = try wrk.run(target, connections: plan.maxConnections, seconds: plan.seconds)
            rows.append(Row(target: name, rate: nil, connections: plan.maxConnections, result: result))
            print(Self.line(rows.last!))
            await settle()
        }
        var streams: [StreamRow] = []
        for (name, target) in targets {
            streams.append(StreamRow(target: name, firstTokenMilliseconds: try await firstTokens(target, plan.streams)))
        }
        print()
        print(Self.table(rows, rates: plan.rates, names: targets.map(\.name)))
        print(Self.streamTable(streams))
        if let path = plan.resultsPath {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(Results(runs: rows, streams: streams)).write(to: URL(fileURLWithPath: path))
            print("results written to \(path)")
        }
    }

    /// Waits (at most 60 s) until LiteLLM has worked off the requests queued when wrk stopped:
    /// it uses under 10% of a core over half a second.
    private func settle() async {
        guard let pid = litellmProcess else { return }
        func cpuTicks() -> Int? {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let end = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: end)...].split(separator: " ")
            // After the command: state is field 3, utime 14 and stime 15 (1-based, man proc).
            guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
            return user + system
        }
        let deadline = ContinuousClock.now + .seconds(60)
        var last = cpuTicks()
        while let before = last, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(500))
            guard let after = cpuTicks() else { return }
            if after - before < 5 { return }
            last = after
        }
    }

    struct Results: Codable {
        var runs: [Row]
        var streams: [StreamRow]
    }

    /// Milliseconds from sending a streamed request to the first `data:` event, one request at a time.
    private func firstTokens(_ target: Wrk.Target, _ count: Int) async throws -> [Double] {
        let body = target.body.dropLast() + #","stream":true}"#
        var times: [Double] = []
        for index in 0..<(count + 10) {
            var request = HTTPClientRequest(url: target.url)
            request.method = .POST
            for (name, value) in target.headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(string: String(body)))
            let started = ContinuousClock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            var first: Duration?
            var text = ""
            for try await chunk in response.body {
                if first == nil {
                    text += String(buffer: chunk)
                    if text.contains("data:") { first = ContinuousClock.now - started }
                }
            }
            guard response.status == .ok, let first else {
                throw BenchmarkError("\(target.url) answered a stream with \(response.status): \(text.prefix(300))")
            }
            // The first ten warm the connection pool.
            if index >= 10 {
                times.append(seconds(first) * 1000)
            }
        }
        return times
    }

    static func line(_ row: Row) -> String {
        let r = row.result
        let label = "\(row.target) at \(row.rate.map { "\($0)/s" } ?? "max"), \(row.connections) connections:"
        return label
            + String(
                format: " %.0f req/s, p50 %.3f ms, p99 %.3f ms, %d errors", r.rate, r.p50, r.p99, r.errors)
    }

    /// Markdown tables: per rate, each target's latency and what it adds over direct.
    static func table(_ rows: [Row], rates: [Int], names: [String]) -> String {
        var lines = [
            "| rate asked | target | achieved req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | errors |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for rate in rates.map(Optional.some) + [nil] {
            let direct = rows.first { $0.rate == rate && $0.target == "direct" }?.result
            for row in rows where row.rate == rate {
                let r = row.result
                let added = direct.map { (r.p50 - $0.p50, r.p99 - $0.p99) }
                let addedText =
                    row.target == "direct" || added == nil
                    ? "| – | –" : String(format: "| %.3f | %.3f", added!.0, added!.1)
                lines.append(
                    "| \(rate.map(String.init) ?? "max") | \(row.target) "
                        + String(format: "| %.0f | %.3f | %.3f ", r.rate, r.p50, r.p99) + addedText
                        + " | \(r.errors) |")
            }
        }
        let maxima = rows.filter { $0.rate == nil }
        if let direct = maxima.first(where: { $0.target == "direct" })?.result.rate, direct > 0 {
            lines.append("")
            for row in maxima where row.target != "direct" {
                lines.append(
                    "max throughput \(row.target): "
                        + String(
                            format: "%.0f req/s = %.0f%% of direct (%.0f req/s)", row.result.rate,
                            100 * row.result.rate / direct, direct))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func streamTable(_ streams: [StreamRow]) -> String {
        var lines = [
            "", "| streaming, one at a time | first token p50 ms | p99 ms | added p50 ms |", "|---|---|---|---|",
        ]
        let direct = streams.first { $0.target == "direct" }.map { percentile($0.firstTokenMilliseconds, 0.5) }
        for row in streams {
            let p50 = percentile(row.firstTokenMilliseconds, 0.5)
            let added = row.target == "direct" ? "–" : direct.map { String(format: "%.3f", p50 - $0) } ?? "–"
            lines.append(
                "| \(row.target) "
                    + String(format: "| %.3f | %.3f ", p50, percentile(row.firstTokenMilliseconds, 0.99))
                    + "| \(added) |")
        }
        return lines.joined(separator: "\n")
    }
}
