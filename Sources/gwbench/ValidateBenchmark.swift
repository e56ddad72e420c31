import ArgumentParser
import Foundation
import ManifestKit

/// `gwbench validate`: generates a manifest set, then times loading and validating it in-process.
struct ValidateBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Time parse + validate of a synthetic manifest set (the work of `gwctl validate`).")

    @Option(help: "Number of teams.") var teams = 10_000
    @Option(help: "Keys per team.") var keysPerTeam = 10
    @Option(help: "Timed runs (after one warm-up).") var iterations = 5
    @Option(help: "Pieces a file is parsed in at once (default: one per core; 1 is serial).") var parallelism: Int?

    func run() throws {
        let text = SyntheticManifest.yaml(teams: teams, keysPerTeam: keysPerTeam)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwbench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("manifests.yaml").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let megabytes = Double(text.utf8.count) / 1_048_576
        print(String(format: "manifest: %.1f MiB, %d teams, %d keys", megabytes, teams, teams * keysPerTeam))

        var options = ManifestLoader.Options()
        if let parallelism { options.parallelism = parallelism }
        let loader = ManifestLoader(options: options)
        var timings: [Double] = []
        for iteration in 0...iterations {
            let start = ContinuousClock.now
            let manifests = loader.load(paths: [file])
            let elapsed = ContinuousClock.now - start
            guard manifests.isValid, manifests.state.keyCount == teams * keysPerTeam else {
                throw ValidationError(
                    "the synthetic manifest did not validate: \(manifests.diagnostics.first?.message ?? "?")")
            }
            if iteration == 0 {
                print(String(format: "cold run (first in process): %.3f s", seconds(elapsed)))
            } else {
                timings.append(seconds(elapsed))
            }
        }
        timings.sort()
        let median = timings[timings.count / 2]
        print(
            String(
                format: "validate: min %.3f s, median %.3f s, max %.3f s over %d runs (%.0f MiB/s at median)",
                timings.first!, median, timings.last!, timings.count, megabytes / median))
        print("peak RSS: \(PeakMemory.residentMegabytes()) MiB")
    }
}

/// The process's peak resident set size, from /proc (Linux).
enum PeakMemory {
    static func residentMegabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return -1 }
        let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
        return kilobytes / 1024
    }
}
