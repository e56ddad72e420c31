import Foundation
import ManifestKit
import TestSupport
import Testing

@Suite("Published JSON Schema")
struct SchemaTests {
    @Test func committedSchemaMatchesTheFieldDescriptions() throws {
        let generated = JSONSchemaGenerator.manifestSchemaText()
        let committed = try Golden.expected("schemas/manifest.schema.json", actual: generated)
        #expect(
            committed == generated,
            "schemas/manifest.schema.json is stale: run `swift run gwctl schema > schemas/manifest.schema.json`")
    }

    @Test func schemaIsValidJSONWithEveryKind() throws {
        let data = Data(JSONSchemaGenerator.manifestSchemaText().utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let definitions = try #require(object["$defs"] as? [String: Any])
        for name in ["TeamSpec", "ProviderSpec", "RuleSpec", "GatewayPolicySpec", "SecretReference", "APIKey"] {
            #expect(definitions[name] != nil, "missing $defs/\(name)")
        }
    }

    @Test func everyFieldHasADescription() {
        func check(_ shape: Shape, _ path: String) {
            switch shape {
            case .object(let object):
                for field in object.fields {
                    #expect(!field.summary.isEmpty, "\(path).\(field.name) has no summary")
                    check(field.shape, "\(path).\(field.name)")
                }
            case .list(let item, _, _): check(item, path + "[]")
            case .map(let value): check(value, path + "{}")
            case .reference(let definition): check(definition.shape, definition.name)
            default: break
            }
        }
        for kind in ManifestSchema.Kind.allCases { check(.reference(kind.spec), kind.rawValue) }
    }
}
