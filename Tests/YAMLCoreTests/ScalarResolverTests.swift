import Testing
import YAMLCore

@Suite("YAML 1.2 core schema typing")
struct ScalarResolverTests {
    @Test("YAML 1.1 booleans stay strings", arguments: ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "On"])
    func yaml11BooleansAreStrings(text: String) {
        #expect(ScalarResolver.resolvePlain(text) == .string(text))
    }

    @Test func booleansAndNulls() {
        for text in ["true", "True", "TRUE"] { #expect(ScalarResolver.resolvePlain(text) == .bool(true)) }
        for text in ["false", "False", "FALSE"] { #expect(ScalarResolver.resolvePlain(text) == .bool(false)) }
        for text in ["", "~", "null", "Null", "NULL"] { #expect(ScalarResolver.resolvePlain(text) == .null) }
        #expect(ScalarResolver.resolvePlain("nULL") == .string("nULL"))
    }

    @Test func integers() {
        #expect(ScalarResolver.resolvePlain("42") == .int(42))
        #expect(ScalarResolver.resolvePlain("-7") == .int(-7))
        #expect(ScalarResolver.resolvePlain("+7") == .int(7))
        #expect(ScalarResolver.resolvePlain("0777") == .int(777))  // YAML 1.1 would say octal 511
        #expect(ScalarResolver.resolvePlain("0o17") == .int(15))
        #expect(ScalarResolver.resolvePlain("0x1F") == .int(31))
        #expect(ScalarResolver.resolvePlain("1_000") == .string("1_000"))  // 1.1 only
        #expect(ScalarResolver.resolvePlain("0x") == .string("0x"))
    }

    @Test func floats() {
        #expect(ScalarResolver.resolvePlain("2.5") == .float(2.5))
        #expect(ScalarResolver.resolvePlain("-.5") == .float(-0.5))
        #expect(ScalarResolver.resolvePlain("1e3") == .float(1000))
        #expect(ScalarResolver.resolvePlain("1.") == .float(1))
        #expect(ScalarResolver.resolvePlain(".inf") == .float(.infinity))
        #expect(ScalarResolver.resolvePlain("-.Inf") == .float(-.infinity))
        #expect(ScalarResolver.resolvePlain("1e") == .string("1e"))
        #expect(ScalarResolver.resolvePlain("1.2.3") == .string("1.2.3"))
        #expect(ScalarResolver.resolvePlain("99999999999999999999") == .float(1e20))
        if case .float(let nan) = ScalarResolver.resolvePlain(".nan") { #expect(nan.isNaN) } else { Issue.record() }
    }

    @Test func timestampsAndVersionsAreStrings() {
        #expect(ScalarResolver.resolvePlain("2027-06-30T00:00:00Z") == .string("2027-06-30T00:00:00Z"))
        #expect(ScalarResolver.resolvePlain("gateway/v1") == .string("gateway/v1"))
        #expect(ScalarResolver.resolvePlain("4.6") == .float(4.6))
    }

    @Test func quotedScalarsAndTags() throws {
        let stream = YAMLParser.parse("a: '123'\nb: \"true\"\nc: !!str 12\nd: !!int '12'\ne: !!int twelve\nf: |\n  7\n")
        let root = try #require(stream.documents.first?.root)
        #expect(root["a"]?.resolved == .string("123"))
        #expect(root["b"]?.resolved == .string("true"))
        #expect(root["c"]?.resolved == .string("12"))
        #expect(root["d"]?.resolved == .int(12))
        #expect(root["e"]?.resolved == .invalid(tag: "!!int"))
        #expect(root["f"]?.resolved == .string("7\n"))
    }
}
