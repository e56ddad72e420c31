import GatewayModel
import GwctlCore
import Testing

/// `--since` and `--replay` windows: read once, relative ones measured back from when they are used.
@Suite("Time window")
struct TimeWindowTests {
    @Test("an interval reaches back from the moment it is read, not from when it was parsed")
    func intervalIsRelative() throws {
        let window = try #require(TimeWindow("24h"))
        #expect(window.since(now: Timestamp(seconds: 100_000)) == Timestamp(seconds: 100_000 - 86_400))
        #expect(window.since(now: Timestamp(seconds: 200_000)) == Timestamp(seconds: 200_000 - 86_400))
        #expect(window.description == "24h")
    }

    @Test("an RFC 3339 instant is the start whatever the time")
    func instantIsFixed() throws {
        let window = try #require(TimeWindow("2026-11-01T00:00:00Z"))
        let start = try #require(Timestamp(rfc3339: "2026-11-01T00:00:00Z"))
        #expect(window.since(now: Timestamp(seconds: 1)) == start)
        #expect(window.since(now: Timestamp(seconds: 9_999_999_999)) == start)
    }

    @Test("anything else is refused", arguments: ["", "7", "7y", "yesterday", "2026-11-01"])
    func refused(text: String) {
        #expect(TimeWindow(text) == nil)
    }

    @Test("the usage report's default is the last seven days, named as a user would write it")
    func defaultWindow() {
        #expect(TimeWindow.lastSevenDays == TimeWindow("7d"))
        #expect(TimeWindow.lastSevenDays.since(now: Timestamp(seconds: 1_000_000)) == Timestamp(seconds: 395_200))
    }
}
