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

    static func randomTeam(_ random: inout SeededRandom, wire: Bool) -> TeamRecord {
        func text() -> String { texts[random.next(below: texts.count)] + String(random.next(below: 1000)) }
        var labels: [String: String] = [:]
        for _ in 0..<random.next(below: 3) { labels["label-\(random.next(below: 9))"] = text() }
        var team = TeamRecord(
            metadata: ResourceMetadata(
                name: "team-\(random.next(below: 500))", labels: labels, protected: random.chance(0.3)),
            tier: random.chance(0.5) ? .paid : .free)
        if random.chance(0.5) { team.displayName = text() }
        if random.chance(0.2) { team.suspension = Suspension(reason: text()) }
        if random.chance(0.3) { team.dataRetention = random.chance(0.5) ? .zero : .standard }
        if random.chance(0.5) { team.providers = (0..<random.next(below: 3)).map { _ in "provider-\(text())" } }
        if random.chance(0.5) { team.models = (0..<random.next(below: 3)).map { _ in "openai/\(text())*" } }
        if random.chance(0.3) {
            team.budget = Budget(
                limitUSD: Double(random.next(below: 100_000)) / 7, period: BudgetPeriod.allCases[random.next(below: 4)])
        }
        if random.chance(0.3) { team.rateLimit = RateLimit(requestsPerMinute: random.next(below: 1000)) }
        if wire {
            team.status = RecordStatus(
                revision: Int64(random.next(below: 1000)), managedBy: "gwctl", createdAt: Timestamp(seconds: 1),
                updatedAt: Timestamp(seconds: 2))
        }
        return team
    }

    @Test func teamsAndCredentialsDecodeAsJSONDecoderDecodesThem() throws {
        var random = SeededRandom(seed: 0x7ea3)
        let stored = RecordCoding.encoder()
        let wire = JSONEncoder()
        wire.outputFormatting = [.withoutEscapingSlashes]
        for index in 0..<1_000 {
            let isWire = index % 2 == 1
            let team = Self.randomTeam(&random, wire: isWire)
            let json = String(decoding: try (isWire ? wire : stored).encode(team), as: UTF8.self)
            let fast = try #require(TeamRecord.fastDecoded(json), "declined \(json)")
            #expect(fast == (try JSONDecoder().decode(TeamRecord.self, from: Data(json.utf8))), "\(json)")
            #expect(fast == team)

            var options: [String: String] = [:]
            if random.chance(0.5) { options["resourceName"] = "acme-\(random.next(below: 99))" }
            let credential = CredentialRecord(
                team: team.metadata.name, name: "cred-\(index)", provider: "azure", options: options,
                status: team.status)
            let credentialJSON = String(decoding: try (isWire ? wire : stored).encode(credential), as: UTF8.self)
            #expect(CredentialRecord.fastDecoded(credentialJSON) == credential, "\(credentialJSON)")
        }
    }

    @Test(arguments: [
        #"{"metadata":{"labels":{},"name":"a","protected":false}}"#,
        #"{"metadata":{"labels":{},"name":"a"},"tier":"free"}"#,
        #"{"metadata":{"labels":{},"name":"a","protected":0},"tier":"free"}"#,
        #"{"metadata":{"labels":{"k":"v","k":"w"},"name":"a","protected":false},"tier":"free"}"#,
        #"{"metadata":{"labels":{},"name":"a","protected":false},"tier":"gold"}"#,
        #"{"metadata":{"labels":{},"name":"a","protected":false},"tier":"free","suspension":{}}"#,
        #"{"metadata":{"labels":{},"name":"a","protected":false},"tier":"free","tier":"paid"}"#,
        #"{"metadata":{"labels":{},"name":"a","protected":false},"tier":"free","colour":"red"}"#,
    ])
    func anUnusualTeamIsLeftToJSONDecoder(_ json: String) {
        #expect(TeamRecord.fastDecoded(json) == nil)
    }

    @Test func anUnusualCredentialIsLeftToJSONDecoder() {
        #expect(CredentialRecord.fastDecoded(#"{"name":"a","options":{},"provider":"p"}"#) == nil)
        #expect(
            CredentialRecord.fastDecoded(
                #"{"name":"a","options":{},"provider":"p","team":"t","secret":{"salt":"s","sha256":"x"}}"#) == nil)
    }
}
