import Foundation
import ManifestKit
import TestSupport
import Testing

/// A bounded, seeded property test: random and mutated YAML never crashes or hangs the loader,
/// and every failure comes back as a diagnostic with a position in the right file.
///
/// The seed is fixed for CI; set `GWCTL_FUZZ_SEED` and `GWCTL_FUZZ_ITERATIONS` to explore further.
@Suite("Loader robustness")
struct LoaderFuzzTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["GWCTL_FUZZ_SEED"] ?? "") ?? 0x6777_6374_6C21
    static let iterations = Int(ProcessInfo.processInfo.environment["GWCTL_FUZZ_ITERATIONS"] ?? "") ?? 3_000

    static func corpus() throws -> [[UInt8]] {
        let files =
            PackageRoot.files(in: "examples/acme", suffix: ".yaml")
            + PackageRoot.files(in: "examples/acme/teams", suffix: ".yaml")
            + PackageRoot.files(in: "examples/invalid", suffix: ".yaml")
            + PackageRoot.files(in: "examples/lint", suffix: ".yaml")
        return try files.map { Array(try PackageRoot.read($0).utf8) }
    }

    @Test func mutatedManifestsYieldDiagnosticsNotCrashes() throws {
        var random = SeededRandom(seed: Self.seed)
        let corpus = try Self.corpus()
        #expect(corpus.count > 20)
        let loader = ManifestLoader()
        var slowest = Duration.zero
        var invalid = 0
        for iteration in 0..<Self.iterations {
            let bytes = Mutator.mutate(corpus[random.next(below: corpus.count)], corpus: corpus, random: &random)
            let path = "fuzz-\(iteration).yaml"
            let start = ContinuousClock.now
            let manifests = loader.load(sources: [.init(path: path, bytes: bytes)])
            slowest = max(slowest, ContinuousClock.now - start)
            if !manifests.isValid { invalid += 1 }
            for diagnostic in manifests.diagnostics {
                #expect(diagnostic.location.file == path)
                #expect((diagnostic.location.line ?? 1) >= 1 && (diagnostic.location.column ?? 1) >= 1)
                #expect(!diagnostic.message.isEmpty)
            }
        }
        // Most mutations break something; a fuzzer that never finds an error is not fuzzing.
        #expect(invalid > Self.iterations / 4)
        // A hang guard, not a speed target: one input taking seconds means super-linear work.
        #expect(slowest < .seconds(2), "seed \(Self.seed): slowest input took \(slowest)")
    }

    @Test func hostileShapesAreBounded() {
        let loader = ManifestLoader()
        let shapes: [[UInt8]] = [
            Array((String(repeating: "- ", count: 5_000) + "x").utf8),
            Array((String(repeating: "{a: ", count: 3_000) + String(repeating: "}", count: 3_000)).utf8),
            Array(("a: \"" + String(repeating: "x", count: 4 << 20) + "\"").utf8),
            Array(String(repeating: "a: 1\n", count: 50_000).utf8),
            [0xFF, 0xFE, 0x00, 0x41],
            [0xEF, 0xBB, 0xBF] + Array("apiVersion: gateway/v1\n".utf8),
            Array("&a [*a]".utf8),
            Array("%YAML 9.9\n---\na: 1\n".utf8),
            Array("? [complex, key]\n: value\n".utf8),
            Array("apiVersion: gateway/v1\nkind: Team\nmetadata: {name: x}\nspec: {keys: [*undefined]}\n".utf8),
        ]
        // Billion laughs: nine levels of ten aliases each would expand to 10⁹ nodes.
        let levels = "abcdefghi".map(String.init)
        var laughs = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for (index, level) in levels.enumerated() {
            let previous = index == 0 ? "l0" : levels[index - 1]
            laughs +=
                "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        let inputs = shapes + [Array(laughs.utf8)]
        for (index, bytes) in inputs.enumerated() {
            let manifests = loader.load(sources: [.init(path: "hostile-\(index).yaml", bytes: bytes)])
            #expect(!manifests.isValid, "hostile input \(index) should be refused")
        }
    }
}

extension LoaderFuzzTests {
    /// Random YAML built from the grammar's pieces (mappings, sequences, flow and block, anchors,
    /// aliases, tags, quoted and plain scalars) rather than from the examples.
    static func randomDocument(_ random: inout SeededRandom, depth: Int = 0) -> String {
        let scalars = [
            "gateway/v1", "Team", "x", "'quoted'", "\"esc\\u00e9\"", "1e309", "-0", "~", "yes", "0x1F", "!!str 5",
            "\"\\xff\"", "2027-06-30T00:00:00Z", "[", "}", "*nowhere", "|\n  block",
            String(repeating: "z", count: 3_000),
        ]
        let keys = ["apiVersion", "kind", "metadata", "name", "spec", "keys", "byok", "models", "<<", "? k", "a b"]
        if depth > 6 || random.chance(0.3) { return scalars[random.next(below: scalars.count)] }
        let indent = String(repeating: "  ", count: depth + 1)
        switch random.next(below: 4) {
        case 0:
            return "{"
                + (0..<random.next(below: 4)).map { _ in
                    "\(keys[random.next(below: keys.count)]): \(randomDocument(&random, depth: depth + 3))"
                }.joined(separator: ", ") + "}"
        case 1:
            return "["
                + (0..<random.next(below: 4)).map { _ in randomDocument(&random, depth: depth + 3) }
                .joined(separator: ", ") + "]"
        case 2:
            let anchor = random.chance(0.3) ? "&a\(depth) " : ""
            return anchor + "\n"
                + (0..<1 + random.next(below: 4)).map { _ in
                    "\(indent)\(keys[random.next(below: keys.count)]): \(randomDocument(&random, depth: depth + 1))"
                }.joined(separator: "\n")
        default:
            return "\n"
                + (0..<1 + random.next(below: 4)).map { _ in
                    "\(indent)- \(random.chance(0.2) ? "*a\(max(0, depth - 1))" : randomDocument(&random, depth: depth + 1))"
                }.joined(separator: "\n")
        }
    }

    @Test func randomDocumentsYieldDiagnosticsNotCrashes() {
        var random = SeededRandom(seed: Self.seed ^ 0xD0C)
        let loader = ManifestLoader()
        var slowest = Duration.zero
        for iteration in 0..<Self.iterations / 3 {
            let documents = (0..<1 + random.next(below: 3)).map { _ in "root: " + Self.randomDocument(&random) }
            let path = "random-\(iteration).yaml"
            let start = ContinuousClock.now
            let manifests = loader.load(
                sources: [.init(path: path, bytes: Array(documents.joined(separator: "\n---\n").utf8))])
            slowest = max(slowest, ContinuousClock.now - start)
            #expect(!manifests.isValid)
            for diagnostic in manifests.diagnostics { #expect(diagnostic.location.file == path) }
        }
        #expect(slowest < .seconds(2), "seed \(Self.seed): slowest input took \(slowest)")
    }
}
