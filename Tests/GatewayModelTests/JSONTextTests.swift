import Foundation
import GatewayModel
import Testing

/// The one JSON string escaper, behind both the text and the byte writers.
@Suite("JSON string literals")
struct JSONTextTests {
    static let awkward =
        [
            "plain", "quote \" and backslash \\", "slash / stays", "tab\tnewline\nreturn\r",
            "\u{8}\u{c}\u{1b}\u{0}\u{1f}",
        ]
        + ["Zahlungen für Ärzte", "🚀", ""]

    @Test(arguments: awkward)
    func bothWritersWriteTheSameLiteralAndItDecodesToTheString(value: String) throws {
        var text = ""
        JSONText.appendQuoted(value, to: &text)
        var bytes: [UInt8] = []
        JSONText.appendQuoted(value, to: &bytes)
        #expect(Array(text.utf8) == bytes)
        #expect(try JSONDecoder().decode(String.self, from: Data(bytes)) == value)
        #expect(!text.unicodeScalars.dropFirst().dropLast().contains { $0.value < 0x20 })
    }

    @Test func controlCharactersUseTheShortEscapesWhereJSONHasThem() {
        #expect(JSONText.quoted("\u{8}\u{c}\n\r\t\u{1b}") == #""\b\f\n\r\t\u001b""#)
    }
}
