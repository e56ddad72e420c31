import Testing
import YAMLCore

@Suite("libyaml event layer")
struct YAMLParserTests {
    @Test func keepsLineAndColumnOfKeysAndValues() throws {
        let stream = YAMLParser.parse("team:\n  name: payments\n  keys: [a, \"b\"]\n")
        let root = try #require(stream.documents.first?.root)
        let team = try #require(root["team"])
        let name = try #require(team.pair("name"))
        #expect(name.key.mark == Mark(line: 2, column: 3))
        #expect(name.value.mark == Mark(line: 2, column: 9))
        let keys = try #require(team["keys"]?.sequence)
        #expect(keys.map(\.mark) == [Mark(line: 3, column: 10), Mark(line: 3, column: 13)])
        #expect(stream.problems.isEmpty)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let stream = YAMLParser.parse("é: ü\nnext: x\n")
        let root = try #require(stream.documents.first?.root)
        #expect(root.pair("é")?.value.mark == Mark(line: 1, column: 4))
    }

    @Test func reportsDuplicateKeysWithBothPositions() {
        let stream = YAMLParser.parse("a: 1\nb: 2\na: 3\n")
        #expect(
            stream.problems == [
                YAMLProblem(.duplicateKey(key: "a", first: Mark(line: 1, column: 1)), at: Mark(line: 3, column: 1))
            ])
        #expect(stream.documents.first?.root["a"]?.resolved == .int(1))
    }

    @Test func reportsDuplicatesInLargeMappingsToo() {
        var text = (0..<40).map { "k\($0): \($0)\n" }.joined()
        text += "k3: again\nk35: again\n"
        let stream = YAMLParser.parse(text)
        #expect(stream.problems.map(\.mark.line) == [41, 42])
        #expect(stream.problems.first?.kind == .duplicateKey(key: "k3", first: Mark(line: 4, column: 1)))
        #expect(stream.documents.first?.root.mapping?.count == 40)
    }

    @Test func readsEveryDocumentOfAStream() {
        let stream = YAMLParser.parse("a: 1\n---\nb: 2\n---\n# only a comment\n")
        #expect(stream.documents.count == 3)
        #expect(stream.documents[1].root["b"]?.resolved == .int(2))
        #expect(stream.documents[1].mark.line == 2)
        #expect(stream.documents[2].isEmpty)
    }

    @Test func expandsAliases() throws {
        let stream = YAMLParser.parse("base: &b {tier: paid}\ncopy: *b\n")
        let root = try #require(stream.documents.first?.root)
        #expect(root["copy"]?["tier"]?.resolved == .string("paid"))
        #expect(root["copy"]?.mark == Mark(line: 2, column: 7))
    }

    @Test func refusesBillionLaughsQuickly() {
        var text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        let clock = ContinuousClock()
        var stream: YAMLStream?
        let elapsed = clock.measure { stream = YAMLParser.parse(text) }
        #expect(stream?.problems.last?.kind == .aliasExpansionLimit(YAMLLimits.default.maxAliasExpansion))
        #expect(stream?.documents.isEmpty == true)
        // Generous bound: this guards against exponential work, not a speed target.
        #expect(elapsed < .seconds(5))
    }

    @Test func refusesDeepNestingWithoutExhaustingTheStack() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let stream = YAMLParser.parse(text)
        #expect(stream.problems.last?.kind == .depthLimit(YAMLLimits.default.maxDepth))
    }

    @Test func reportsUndefinedAliases() {
        let stream = YAMLParser.parse("a: *nowhere\n")
        #expect(stream.problems.first?.kind == .undefinedAlias("nowhere"))
    }

    @Test func reportsSyntaxErrorsWithContext() throws {
        let stream = YAMLParser.parse("a: [1, 2\nb: 3\n")
        let problem = try #require(stream.problems.first)
        guard case .syntax(let message) = problem.kind else {
            Issue.record("expected a syntax error, got \(problem.kind)")
            return
        }
        #expect(message.contains("did not find expected"))
        #expect(problem.context?.mark == Mark(line: 1, column: 4))
    }

    @Test func reportsInvalidUTF8AtItsPosition() throws {
        let stream = YAMLParser.parse([0x61, 0x3A, 0x20, 0x0A, 0x62, 0x3A, 0x20, 0xFF, 0x0A])
        let problem = try #require(stream.problems.first)
        #expect(problem.isFatal)
        #expect(problem.mark == Mark(line: 2, column: 4))
    }
}
