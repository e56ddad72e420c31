import GatewayModel
import Testing

/// The model's own parsers and matchers, which every manifest, flag and request goes through.
@Suite("Model spellings")
struct SpellingTests {
    @Test(arguments: [
        ("openai/*", "openai/gpt-5.4", true), ("openai/*", "anthropic/claude", false),
        ("*", "any/model/with/slashes", true), ("openai/gpt-?", "openai/gpt-5", true),
        ("openai/gpt-?", "openai/gpt-55", false), ("*-mini", "openai/gpt-5.4-mini", true),
        ("a*b*c", "a-b-b-c", true), ("a*b*c", "a-b-b-d", false), ("exact/id", "exact/id", true),
        ("exact/id", "exact/id2", false), ("", "", true), ("", "x", false),
    ])
    func modelGlobsMatchAsDocumented(pattern: String, id: String, matches: Bool) {
        #expect(ModelGlob(pattern).matches(id) == matches)
    }

    @Test func aGlobWithoutWildcardsIsLiteral() {
        #expect(ModelGlob("openai/gpt-5.4").isLiteral)
        #expect(!ModelGlob("openai/*").isLiteral)
        #expect(!ModelGlob("openai/gpt-?").isLiteral)
    }

    @Test func aPathologicalGlobIsDecidedInLinearTime() {
        // Exponential for a recursive backtracking matcher; bounded by pattern × text here.
        let pattern = String(repeating: "a*", count: 40) + "b"
        #expect(!ModelGlob(pattern).matches(String(repeating: "a", count: 5_000)))
    }

    @Test(arguments: ["a", "payments", "team-2", "a1", String(repeating: "x", count: 63)])
    func validNames(name: String) {
        #expect(ResourceName.isValid(name))
    }

    @Test(arguments: ["", "-a", "a-", "Payments", "pay_ments", "pay ments", "pé", String(repeating: "x", count: 64)])
    func invalidNames(name: String) {
        #expect(!ResourceName.isValid(name))
    }

    @Test(arguments: [
        ("0", Int64(0)), ("90s", 90), ("30m", 1_800), ("24h", 86_400), ("7d", 604_800),
    ])
    func intervalsParse(text: String, seconds: Int64) {
        #expect(Interval.seconds(text) == seconds)
    }

    @Test(arguments: ["", "s", "7", "7w", "-1d", "1.5h", " 7d", "99999999999999999d"])
    func malformedIntervalsAreRefused(text: String) {
        #expect(Interval.seconds(text) == nil)
    }

    @Test func intervalsAreWrittenInTheLargestWholeUnit() {
        #expect(Interval.text(86_400) == "24h")
        #expect(Interval.text(604_800) == "7d")
        #expect(Interval.text(90) == "90s")
        #expect(Interval.text(0) == "0")
        #expect(Interval.words(0) == "at once")
    }

    @Test func timestampsReadRFC3339AndWriteCanonicalUTC() throws {
        let offset = try #require(Timestamp(rfc3339: "2026-12-03T10:30:00+02:00"))
        #expect(offset.description == "2026-12-03T08:30:00Z")
        let fraction = try #require(Timestamp(rfc3339: "2027-06-30t00:00:00.250z"))
        #expect(fraction.description == "2027-06-30T00:00:00.25Z")
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59Z")?.seconds == -1)
        #expect(Timestamp(rfc3339: "2028-02-29T00:00:00Z") != nil)
    }

    @Test(arguments: [
        "2027-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-03T24:00:00Z", "2026-12-03T10:30:00",
        "2026-12-03 10:30:00Z", "2026-12-03T10:30:00.Z", "2026-12-03T10:30:00+2:00",
    ])
    func malformedTimestampsAreRefused(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }
}
