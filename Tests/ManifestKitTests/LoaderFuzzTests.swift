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
        let inputs: [[UInt8]] = [
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
        for (index, bytes) in inputs.enumerated() {
            let manifests = loader.load(sources: [.init(path: "hostile-\(index).yaml", bytes: bytes)])
            #expect(!manifests.isValid, "hostile input \(index) should be refused")
        }
    }
}

/// Byte-level mutations biased towards YAML's structural characters.
enum Mutator {
    static let interesting: [UInt8] = Array(":-[]{}&*!|>'\"#\n \t%@`?,~".utf8) + [0x00, 0xFF, 0xC3, 0xE2, 0x80]

    static func mutate(_ input: [UInt8], corpus: [[UInt8]], random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0...random.next(below: 4) {
            let position = random.next(below: bytes.count + 1)
            switch random.next(below: 8) {
            case 0 where !bytes.isEmpty:  // flip a bit
                let index = min(position, bytes.count - 1)
                bytes[index] ^= UInt8(1 << random.next(below: 8))
            case 1:  // insert a structural byte
                bytes.insert(interesting[random.next(below: interesting.count)], at: position)
            case 2 where !bytes.isEmpty:  // delete a range
                let end = min(bytes.count, position + random.next(below: 16) + 1)
                bytes.removeSubrange(min(position, end)..<end)
            case 3:  // duplicate a range
                let end = min(bytes.count, position + random.next(below: 64))
                bytes.insert(contentsOf: bytes[min(position, end)..<end], at: min(position, bytes.count))
            case 4:  // truncate
                bytes = Array(bytes.prefix(position))
            case 5:  // splice in part of another file
                let other = corpus[random.next(below: corpus.count)]
                let start = random.next(below: other.count + 1)
                let end = min(other.count, start + random.next(below: 200))
                bytes.insert(contentsOf: other[start..<end], at: position)
            case 6:  // replace a line's indentation
                if let newline = bytes[min(position, bytes.count)...].firstIndex(of: 10), newline + 1 < bytes.count {
                    bytes.insert(contentsOf: Array(repeating: 32, count: random.next(below: 5)), at: newline + 1)
                }
            default:  // overwrite with a random byte
                if !bytes.isEmpty { bytes[min(position, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next()) }
            }
        }
        return bytes
    }
}
