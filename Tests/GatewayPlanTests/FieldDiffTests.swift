import GatewayModel
import Testing

@testable import GatewayPlan

@Suite("Field differences")
struct FieldDiffTests {
    struct Record: Encodable {
        var name: String
        var limits: [String: Double]
        var models: [String]
        var labels: [String: String] = [:]
    }

    @Test func objectsBecomePathsAndEverythingElseALeafInCompactJSON() {
        let before = Record(name: "a/b \"c\"", limits: ["usd": 0.1, "tokens": 5], models: ["x"])
        var after = before
        after.limits["usd"] = 2.5
        after.models.append("y")
        let changes = FieldDiff.changes(from: before, to: after)
        #expect(changes.map(\.path) == ["limits.usd", "models"])
        #expect(changes.map(\.before) == ["0.1", #"["x"]"#])
        #expect(changes.map(\.after) == ["2.5", #"["x","y"]"#])
        let created = FieldDiff.flatten(before)
        #expect(created["name"] == #""a/b \"c\"""#)
        #expect(created["labels"] == "{}")
    }
}
