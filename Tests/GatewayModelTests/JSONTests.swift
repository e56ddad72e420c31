import Foundation
import GatewayModel
import TestSupport
import Testing

/// The data plane's JSON layer: what it accepts and refuses (JSONTestSuite's cases of RFC 8259),
/// and that what it writes back is the client's text — numbers, member order, unknown fields.
@Suite("JSON")
struct JSONTests {
    /// Documents every parser must accept (JSONTestSuite's `y_` cases, abridged).
    static let accepted: [String] = [
        "[]", "{}", "[null]", "[true,false]", #"{"a":[]}"#, "[1]", "[-0]", "[-0.0]", "[1E22]", "[1e-2]", "[1E+2]",
        "[123456789012345678901234567890]", "[-9223372036854775809]", "[0.5e308]", #"[""]"#, #"["\u0000"]"#,
        #"["\ud83d\ude00"]"#, #"["\"\\\/\b\f\n\r\t"]"#, " [ 1 , 2 ] ", "\n{\"a\" : 1}\t", "3", #""x""#, "null",
        #"{"":0}"#, #"[{"a":{"b":[[],{}]}}]"#, "[1.5,-2.25e10]", #"["é"]"#,
    ]

    /// Documents every parser must refuse (JSONTestSuite's `n_` cases, abridged), and a repeated key.
    static let refused: [String] = [
        "", "[", "]", "[1,]", "[,1]", "{,}", #"{"a":1,}"#, #"{"a"}"#, #"{"a" 1}"#, "{1:1}", "[01]", "[1.]", "[.1]",
        "[+1]", "[1e]", "[1e+]", "[-]", "[NaN]", "[Infinity]", "[0x1]", "[tru]", "[nul]", "['a']", #"["a"#,
        "[\"\u{01}\"]", #"["\x"]"#, #"["\ud800"]"#, #"["\udc00"]"#, #"["\u12"]"#, "[1] [2]", "[1]x", "/* */[]",
        #"{"model":"a","model":"b"}"#, #"[{"x":1,"y":2,"x":3}]"#,
    ]

    @Test(arguments: accepted) func acceptsValidJSON(_ text: String) throws {
        _ = try JSON.parse(Array(text.utf8))
    }

    @Test(arguments: refused) func refusesInvalidJSON(_ text: String) {
        #expect(throws: JSON.SyntaxError.self) { try JSON.parse(Array(text.utf8)) }
    }

    @Test func aRepeatedKeyIsRefusedNamingIt() {
        var many = (0..<40).map { "\"k\($0)\":\($0)" }
        many.append(#""k7":0"#)
        for text in [#"{"model":"a","stream":true,"model":"b"}"#, "{" + many.joined(separator: ",") + "}"] {
            do {
                _ = try JSON.parse(Array(text.utf8))
                Issue.record("accepted \(text)")
            } catch {
                #expect((error as? JSON.SyntaxError)?.reason.hasPrefix("duplicate key") == true)
            }
        }
    }

    @Test func numbersMembersAndUnknownFieldsAreWrittenBackAsTheyCame() throws {
        let text =
            #"{"seed":12345678901234567,"model":"x","big":-123456789012345678901234567890,"e":1e3,"z":-0.0,"#
            + #""f":0.1000,"nested":{"b":2,"a":[1E-7,{"unknown":true}]},"s":"\u00e9\n/"}"#
        var body = try JSON.parse(Array(text.utf8))
        #expect(body["seed"]?.int == 12_345_678_901_234_567)
        body["model"] = "y"
        let written = String(decoding: body.encoded(), as: UTF8.self)
        #expect(
            written
                == #"{"seed":12345678901234567,"model":"y","big":-123456789012345678901234567890,"e":1e3,"z":-0.0,"#
                + #""f":0.1000,"nested":{"b":2,"a":[1E-7,{"unknown":true}]},"s":"é\n/"}"#)
    }

    @Test func editsKeepOrderAndRemoveWithNil() throws {
        var body = try JSON.parse(Array(#"{"a":1,"b":2,"c":3}"#.utf8))
        body["b"] = nil
        body["d"] = 4
        body["a"] = "one"
        #expect(String(decoding: body.encoded(), as: UTF8.self) == #"{"a":"one","c":3,"d":4}"#)
    }

    @Test func theFirstNullIsNamedByItsPath() throws {
        let body = try JSON.parse(Array(#"{"a":[1,{"b":"null","c":null}],"d":null}"#.utf8))
        #expect(body.firstNullPath() == "a[1].c")
        #expect(try JSON.parse(Array("null".utf8)).firstNullPath() == "$")
        #expect(try JSON.parse(Array(#"{"s":"null","n":[]}"#.utf8)).firstNullPath() == nil)
    }

    @Test func prettyTextIndentsAndKeepsMemberOrder() {
        let document = JSON.object([("z", .array([])), ("a", .object([("q", "x\"y")])), ("e", .object([]))])
        #expect(
            document.prettyPrinted() == "{\n  \"z\": [],\n  \"a\": {\n    \"q\": \"x\\\"y\"\n  },\n  \"e\": {}\n}\n")
    }

    /// On valid input the parser agrees with Foundation's: same values, for seeded random documents.
    @Test func agreesWithJSONSerializationOnValidInput() throws {
        var random = SeededRandom(seed: 19)
        for round in 0..<300 {
            let text = Self.document(&random, depth: 0)
            let ours = try JSON.parse(Array(text.utf8))
            let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            #expect(Self.same(ours, theirs), "round \(round): \(text)")
            // And what we write, Foundation reads as the same value.
            let again = try JSONSerialization.jsonObject(with: Data(ours.encoded()), options: [.fragmentsAllowed])
            #expect(Self.same(ours, again), "round \(round) rewritten")
        }
    }

    static func document(_ random: inout SeededRandom, depth: Int) -> String {
        switch random.next(below: depth > 3 ? 4 : 6) {
        case 0: return ["null", "true", "false"][random.next(below: 3)]
        case 1:
            let numbers = ["0", "-1", "42", "3.25", "-0.5", "1e3", "2.5E-3", "9007199254740991", "1234.5678"]
            return numbers[random.next(below: numbers.count)]
        case 2, 3:
            let strings = [#""""#, #""plain""#, #""esc\"aped\\ \n\t""#, #""\u00e9\u4e2d""#, #""emoji 😀""#, #""\/""#]
            return strings[random.next(below: strings.count)]
        case 4:
            return "["
                + (0..<random.next(below: 4)).map { _ in document(&random, depth: depth + 1) }.joined(separator: ",")
                + "]"
        default:
            let count = random.next(below: 4)
            return "{"
                + (0..<count).map { "\"k\($0)\": " + document(&random, depth: depth + 1) }.joined(separator: ", ") + "}"
        }
    }

    static func same(_ ours: JSON, _ theirs: Any) -> Bool {
        switch ours {
        case .null: return theirs is NSNull
        case .bool(let value): return (theirs as? Bool) == value
        case .number(let value): return (theirs as? NSNumber)?.doubleValue == value.double
        case .string(let value): return (theirs as? String) == value
        case .array(let values):
            guard let array = theirs as? [Any], array.count == values.count else { return false }
            return zip(values, array).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let dictionary = theirs as? [String: Any], dictionary.count == members.count else { return false }
            return members.allSatisfy { key, value in dictionary[key].map { same(value, $0) } ?? false }
        }
    }
}
