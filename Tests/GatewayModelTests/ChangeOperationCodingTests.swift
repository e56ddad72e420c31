import Foundation
import GatewayModel
import Testing

@Suite("Change operations on the wire")
struct ChangeOperationCodingTests {
    @Test func thePayloadIsTheOneMemberNamedAfterItsKind() throws {
        let operation = ChangeOperation(
            op: .create, target: .team("payments"),
            payload: .team(TeamRecord(metadata: ResourceMetadata(name: "payments"), tier: .paid)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(operation), as: UTF8.self)
        #expect(text.hasPrefix(#"{"op":"create","target":{"kind":"team","name":"payments"},"team":{"#))
        #expect(try JSONDecoder().decode(ChangeOperation.self, from: Data(text.utf8)) == operation)
        let delete = #"{"op":"delete","target":{"kind":"team","name":"payments"},"ifRevision":3}"#
        let decoded = try JSONDecoder().decode(ChangeOperation.self, from: Data(delete.utf8))
        #expect(decoded.payload == nil && decoded.ifRevision == 3)
    }

    @Test func twoPayloadsDoNotDecode() throws {
        let team = String(
            decoding: try JSONEncoder().encode(TeamRecord(metadata: ResourceMetadata(name: "a"))), as: UTF8.self)
        let key = String(decoding: try JSONEncoder().encode(APIKeyRecord(team: "a", name: "k")), as: UTF8.self)
        let one = #"{"op":"create","target":{"kind":"team","name":"a"},"team":"# + team + "}"
        #expect(
            try JSONDecoder().decode(ChangeOperation.self, from: Data(one.utf8)).payload?.team?.metadata.name == "a")
        let two = #"{"op":"create","target":{"kind":"team","name":"a"},"team":"# + team + #","apiKey":"# + key + "}"
        do {
            _ = try JSONDecoder().decode(ChangeOperation.self, from: Data(two.utf8))
            Issue.record("an operation with two payloads decoded")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription.contains("not team and apiKey"))
        }
    }
}
