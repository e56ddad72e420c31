import Foundation
import ManifestKit
import Testing

/// A large file is parsed in pieces on several cores; what comes out must not depend on it.
@Suite("Loading a large file in pieces")
struct ChunkedLoadTests {
    /// About 1.5 MiB: above the size at which a file is cut.
    static let teams = 600

    static func load(_ text: String, parallelism: Int) -> ManifestSet {
        ManifestLoader(options: .init(parallelism: parallelism)).load(
            sources: [.init(path: "big.yaml", text: text)])
    }

    static func expectSameLoad(_ text: String) -> ManifestSet {
        let serial = load(text, parallelism: 1)
        for pieces in [2, 3, 8] {
            let parallel = load(text, parallelism: pieces)
            #expect(parallel.state == serial.state, "\(pieces) pieces")
            #expect(parallel.diagnostics == serial.diagnostics, "\(pieces) pieces")
            #expect(parallel.documents.map(\.name) == serial.documents.map(\.name))
        }
        return serial
    }

    @Test func aValidFileLoadsTheSameInPieces() {
        let text = SyntheticManifest.yaml(teams: Self.teams, keysPerTeam: 10)
        #expect(text.utf8.count > 1 << 20)
        let serial = Self.expectSameLoad(text)
        #expect(serial.isValid)
        #expect(serial.state.keyCount == Self.teams * 10)
    }

    @Test func diagnosticsNameTheSameLinesInPieces() throws {
        var lines = SyntheticManifest.yaml(teams: Self.teams, keysPerTeam: 10).split(
            separator: "\n", omittingEmptySubsequences: false)
        // Errors near the start, in the middle and at the end of the file.
        for fraction in [0.1, 0.5, 0.95] {
            let index = try #require(
                lines.indices.dropFirst(Int(Double(lines.count) * fraction)).first { lines[$0].contains("tier: paid") })
            lines[index] = lines[index].replacingOccurrences(of: "tier: paid", with: "teir: paid")[...]
        }
        let serial = Self.expectSameLoad(lines.joined(separator: "\n"))
        #expect(serial.diagnostics.filter { $0.severity == .error }.count == 3)
        #expect(serial.diagnostics.allSatisfy { ($0.location.line ?? 0) > 1 })
    }

    @Test func aSyntaxErrorReadsAsItWouldInOnePiece() throws {
        var lines = SyntheticManifest.yaml(teams: Self.teams, keysPerTeam: 10).split(
            separator: "\n", omittingEmptySubsequences: false)
        let index = try #require(lines.indices.dropFirst(lines.count / 2).first { lines[$0].contains("description:") })
        // A double-quoted scalar that never closes runs into the next document marker.
        lines[index] = lines[index].replacingOccurrences(of: "description: ", with: "description: \"")[...]
        let serial = Self.expectSameLoad(lines.joined(separator: "\n"))
        #expect(serial.diagnostics.contains { $0.code == .yamlSyntax })
    }

    @Test(arguments: ["\r\n", "\n%YAML 1.2\n"])
    func filesACutCouldChangeAreReadWhole(_ marker: String) {
        var text = SyntheticManifest.yaml(teams: Self.teams, keysPerTeam: 10)
        if marker == "\r\n" {
            text = text.replacingOccurrences(of: "\n", with: "\r\n")
        } else {
            let middle = text.range(
                of: "\n---\n", range: text.index(text.startIndex, offsetBy: text.count / 2)..<text.endIndex)!
            text.replaceSubrange(middle, with: "\n...\n%YAML 1.2\n---\n")
        }
        let serial = Self.expectSameLoad(text)
        #expect(serial.isValid)
    }
}
