import Testing

@testable import GatewayServer

/// A metrics label keeps its first values and counts every later one as `other`.
@Suite("Label bound")
struct LabelBoundTests {
    @Test func valuesPastTheCapAreOther() {
        let bound = LabelBound(capacity: 2)
        #expect(bound.label("a") == "a")
        #expect(bound.label("b") == "b")
        #expect(bound.label("made-up-1") == "other")
        #expect(bound.label("made-up-2") == "other")
        #expect(bound.label("a") == "a", "a value seen before the cap keeps its own series")
    }
}
