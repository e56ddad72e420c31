import GatewayModel
import ManifestKit
import Testing

@Suite("Timestamps, globs and suggestions")
struct ValueTypeTests {
    @Test func parsesAndPrintsRFC3339() throws {
        let plain = try #require(Timestamp(rfc3339: "2027-06-30T00:00:00Z"))
        #expect(plain.seconds == 1_814_313_600)
        #expect(plain.description == "2027-06-30T00:00:00Z")
        let offset = try #require(Timestamp(rfc3339: "2027-06-30T02:00:00+02:00"))
        #expect(offset == plain)
        let fraction = try #require(Timestamp(rfc3339: "2024-02-29t23:59:59.25z"))
        #expect(fraction.description == "2024-02-29T23:59:59.25Z")
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59Z")?.seconds == -1)
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59Z")?.description == "1969-12-31T23:59:59Z")
    }

    @Test(
        "rejects what RFC 3339 does not allow",
        arguments: [
            "2027-06-30", "2027-06-30T00:00:00", "2027-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
            "2027-06-30T24:00:00Z", "2027-06-30 00:00:00Z", "2027-06-30T00:00:00.Z", "2027-06-30T00:00:00+2:00",
            "2027-06-30T00:00:00Zjunk", "", "tomorrow",
        ])
    func rejectsMalformedTimestamps(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test(arguments: [
        ("https://api.openai.com/v1", true), ("http://127.0.0.1:8081", true),
        ("https://acme.openai.azure.com?x=a@b", true), ("https://h.example/path/with@sign", true),
        ("https://svc:hunter2@proxy.example/v1", false), ("https://token@proxy.example", false),
        ("http://?x", false), ("http:///v1", false), ("https://a b/v1", false), ("ftp://h/x", false), ("h/x", false),
    ])
    func providerURLsCarryNoCredentials(url: String, acceptable: Bool) {
        #expect(ProviderURL.isAcceptable(url) == acceptable)
        #expect(!ProviderURL.redacted(url).contains("hunter2"))
    }

    @Test func globsMatchModelIDs() {
        #expect(ModelGlob("anthropic/claude-sonnet-*").matches("anthropic/claude-sonnet-4.6"))
        #expect(!ModelGlob("anthropic/claude-sonnet-*").matches("anthropic/claude-opus-4.6"))
        #expect(ModelGlob("*").matches("openai/gpt-5.4"))
        #expect(ModelGlob("openai/gpt-?.4").matches("openai/gpt-5.4"))
        #expect(ModelGlob("*/gpt-5*-mini").matches("openai/gpt-5.4-mini"))
        #expect(!ModelGlob("openai/gpt-5.4").matches("openai/gpt-5.4-mini"))
        #expect(ModelGlob("openai/gpt-5.4").isLiteral)
        // Linear time on patterns that make naive backtracking explode.
        #expect(!ModelGlob(String(repeating: "*a", count: 40) + "b").matches(String(repeating: "a", count: 5000)))
    }

    @Test func suggestsCloseNamesOnly() {
        #expect(DidYouMean.suggestion(for: "displayname", among: ["displayName", "tier"]) == "displayName")
        #expect(DidYouMean.suggestion(for: "anthropc", among: ["anthropic", "azure", "openai"]) == "anthropic")
        #expect(DidYouMean.suggestion(for: "tier", among: ["teir"]) == "teir")
        #expect(DidYouMean.suggestion(for: "budget", among: ["keys", "models"]) == nil)
    }
}
