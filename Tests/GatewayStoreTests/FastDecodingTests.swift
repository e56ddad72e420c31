import Foundation
import GatewayModel
import GatewayStore
import TestSupport
import Testing

/// The hand-written key decoder must agree with JSONDecoder on everything it accepts, and
/// decline (so JSONDecoder decides) everything else.
@Suite("Fast key decoding")
struct FastDecodingTests {
    static let texts = [
        "plain", "with \"quotes\"", "back\\slash", "a/b/c", "line\nbreak\ttab", "Zahlungen für Ärzte", "🚀 launch",
        "",
    ]

    static func randomKey(_ random: inout SeededRandom, wire: Bool) -> APIKeyRecord {
        func text() -> String { texts[random.next(below: texts.count)] + String(random.next(below: 1000)) }
        var key = APIKeyRecord(team: "team-\(random.next(below: 50))", name: "key-\(random.next(below: 500))")
        if random.chance(0.6) { key.description = text() }
        if random.chance(0.4) { key.expiresAt = Timestamp(seconds: Int64(random.next(below: 2_000_000_000))) }
        if random.chance(0.5) { key.models = (0..<random.next(below: 4)).map { _ in "openai/\(text())" } }
        if random.chance(0.3) {
            let limit = Double(random.next(below: 1_000_000)) / Double([1, 3, 7, 100][random.next(below: 4)])
            key.budget = Budget(limitUSD: limit, period: BudgetPeriod.allCases[random.next(below: 4)])
        }
        if random.chance(0.4) {
            key.rateLimit = RateLimit(
                requestsPerMinute: random.chance(0.7) ? random.next(below: 10_000) : nil,
                tokensPerMinute: random.chance(0.5) ? random.next(below: 1_000_000) : nil)
        }
        key.rotation = random.next(below: 5)
        if wire {
            key.prefix = "gw_" + String(random.next(below: 1_000_000), radix: 36)
            if random.chance(0.5) { key.lastUsedAt = Timestamp(seconds: Int64(random.next(below: 2_000_000_000))) }
            key.status = RecordStatus(
                revision: Int64(random.next(below: 100_000)), managedBy: random.chance(0.5) ? "gwctl" : "api",
                createdAt: Timestamp(seconds: 1_700_000_000), updatedAt: Timestamp(seconds: 1_800_000_000))
        }
        return key
    }

    @Test func storedAndWireFormsDecodeAsJSONDecoderDecodesThem() throws {
        var random = SeededRandom(seed: 0x5eed_4e75)
        let stored = RecordCoding.encoder()
        let wire = JSONEncoder()
        wire.outputFormatting = [.withoutEscapingSlashes]
        for index in 0..<2_000 {
            let isWire = index % 2 == 1
            let key = Self.randomKey(&random, wire: isWire)
            let json = String(decoding: try (isWire ? wire : stored).encode(key), as: UTF8.self)
            let fast = try #require(APIKeyRecord.fastDecoded(json), "declined \(json)")
            #expect(fast == (try JSONDecoder().decode(APIKeyRecord.self, from: Data(json.utf8))), "\(json)")
            #expect(fast == key)
        }
    }

    @Test(arguments: [
        #"{"name":"a","rotation":0,"team":"t","description":null}"#,
        #"{"name":"a","rotation":0,"team":"t","colour":"red"}"#,
        #"{"name":"a","rotation":0,"team":"t","name":"b"}"#,
        #"{"name":"caf\u00e9","rotation":0,"team":"t"}"#,
        #"{"name":"a","rotation":1.0,"team":"t"}"#,
        #"{"name":"a","rotation":0}"#,
        #"{"name":"a","rotation":0,"team":"t"} trailing"#,
        #"{"name":"a","rotation":0,"team":"t","budget":{"limitUSD":1,"period":"hourly"}}"#,
    ])
    func anythingUnusualIsLeftToJSONDecoder(_ json: String) {
        #expect(APIKeyRecord.fastDecoded(json) == nil)
    }

    @Test func aStateDocumentDecodesLikeJSONDecoderEvenWhenSomeKeysNeedTheFullDecoder() throws {
        var random = SeededRandom(seed: 42)
        var state = GatewayState()
        state.revision = 7
        state.teams = [TeamRecord(metadata: ResourceMetadata(name: "team-1"))]
        state.apiKeys = (0..<50).map { _ in Self.randomKey(&random, wire: true) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        var text = String(decoding: try encoder.encode(state), as: UTF8.self)
        // JSONDecoder reads \u escapes; the fast path declines the key and hands it over.
        text = text.replacingOccurrences(of: "\"key-", with: "\"\\u006bey-")
        let decoded = try GatewayState.decodeJSON(Array(text.utf8))
        #expect(decoded == (try JSONDecoder().decode(GatewayState.self, from: Data(text.utf8))))
        #expect(decoded == state)
    }

    @Test func malformedStateDocumentsFailAsJSONDecoderFails() {
        for text in [#"{"apiKeys":[{"name":"a","rotation":0,"team":"t"},]}"#, #"{"apiKeys":"#, "[]", ""] {
            #expect(throws: (any Error).self, "\(text)") { try GatewayState.decodeJSON(Array(text.utf8)) }
        }
    }
}
