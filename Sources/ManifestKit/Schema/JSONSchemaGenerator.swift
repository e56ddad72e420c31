import GatewayModel

/// Turns `ManifestSchema` into a JSON Schema 2020-12 document.
public enum JSONSchemaGenerator {
    /// The `$id` of the manifest schema; a URN because the schema ships with the tool, not from a host.
    public static let manifestSchemaID = "urn:gwctl:schema:manifest:v1"

    /// The manifest schema as JSON text (what `gwctl schema` prints and `schemas/manifest.schema.json` holds).
    public static func manifestSchemaText() -> String {
        manifestSchema().prettyPrinted()
    }

    /// The manifest schema: the envelope, then the spec of each kind selected by `kind`.
    public static func manifestSchema() -> JSON {
        var definitions = DefinitionTable()
        var properties: [(String, JSON)] = []
        for field in ManifestSchema.envelope.fields {
            properties.append((field.name, described(shape(field.shape, into: &definitions), field.summary)))
        }
        var conditions: [JSON] = ManifestSchema.Kind.allCases.map { kind in
            let spec = shape(.reference(kind.spec), into: &definitions)
            return .object([
                ("if", kindIs(kind)),
                ("then", .object([("properties", .object([("spec", spec)]))])),
            ])
        }
        let policyName: JSON = .object([
            ("properties", .object([("name", .object([("const", .string("default"))]))]))
        ])
        conditions.append(
            .object([
                ("if", kindIs(.gatewayPolicy)),
                ("then", .object([("properties", .object([("metadata", policyName)]))])),
            ]))
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string(manifestSchemaID)),
            ("title", .string("gwctl manifest (\(ManifestSchema.apiVersion))")),
            (
                "description",
                .string(
                    "One document of a gwctl manifest: a Team, Provider, Rule or GatewayPolicy. Generated from the Swift field descriptions in ManifestKit; do not edit."
                )
            ),
            ("type", .string("object")),
            ("required", .array(ManifestSchema.envelope.fields.filter(\.required).map { .string($0.name) })),
            ("properties", .object(properties)),
            ("additionalProperties", .bool(false)),
            ("allOf", .array(conditions)),
            ("$defs", .object(definitions.entries)),
        ])
    }

    private static func kindIs(_ kind: ManifestSchema.Kind) -> JSON {
        .object([
            ("properties", .object([("kind", .object([("const", .string(kind.rawValue))]))])),
            ("required", .array([.string("kind")])),
        ])
    }

    private static func described(_ schema: JSON, _ summary: String) -> JSON {
        guard case .object(let fields) = schema, !summary.isEmpty else { return schema }
        return .object([("description", .string(summary))] + fields.map { ($0.key, $0.value) })
    }

    /// `$defs` in first-use order.
    private struct DefinitionTable {
        var entries: [(String, JSON)] = []
        var names: Set<String> = []
    }

    private static func shape(_ shape: Shape, into definitions: inout DefinitionTable) -> JSON {
        switch shape {
        case .string(let format):
            var fields: [(String, JSON)] = [("type", .string("string"))]
            if format == .nonEmpty { fields.append(("minLength", .int(1))) }
            if format == .dateTime { fields.append(("format", .string("date-time"))) }
            if let pattern = format.jsonSchemaPattern { fields.append(("pattern", .string(pattern))) }
            return .object(fields)
        case .enumeration(let values):
            return .object([("type", .string("string")), ("enum", .array(values.map { .string($0) }))])
        case .constant(let value):
            return .object([("const", .string(value))])
        case .integer(let minimum):
            var fields: [(String, JSON)] = [("type", .string("integer"))]
            if let minimum { fields.append(("minimum", .int(minimum))) }
            return .object(fields)
        case .number(let minimum):
            var fields: [(String, JSON)] = [("type", .string("number"))]
            if let minimum { fields.append(("minimum", .double(minimum))) }
            return .object(fields)
        case .boolean:
            return .object([("type", .string("boolean"))])
        case .interval:
            return .object([
                (
                    "oneOf",
                    .array([
                        .object([("const", .int(0))]),
                        .object([("type", .string("string")), ("pattern", .string("^(0|[0-9]+[smhd])$"))]),
                    ])
                )
            ])
        case .list(let item, let minItems, let uniqueItems):
            var fields: [(String, JSON)] = [
                ("type", .string("array")), ("items", self.shape(item, into: &definitions)),
            ]
            if minItems > 0 { fields.append(("minItems", .int(minItems))) }
            if uniqueItems { fields.append(("uniqueItems", .bool(true))) }
            return .object(fields)
        case .map(let value):
            return .object([
                ("type", .string("object")), ("additionalProperties", self.shape(value, into: &definitions)),
            ])
        case .object(let object):
            return self.object(object, into: &definitions)
        case .anyMapping:
            return .object([("type", .string("object"))])
        case .reference(let definition):
            if !definitions.names.contains(definition.name) {
                definitions.names.insert(definition.name)
                let index = definitions.entries.count
                definitions.entries.append((definition.name, .null))
                let body = described(self.shape(definition.shape, into: &definitions), definition.summary)
                definitions.entries[index] = (definition.name, body)
            }
            return .object([("$ref", .string("#/$defs/\(definition.name)"))])
        }
    }

    private static func object(_ object: ObjectShape, into definitions: inout DefinitionTable) -> JSON {
        var fields: [(String, JSON)] = [("type", .string("object"))]
        let properties = object.fields.map { field in
            (field.name, described(shape(field.shape, into: &definitions), field.summary))
        }
        fields.append(("properties", .object(properties)))
        let required = object.fields.filter(\.required).map { JSON.string($0.name) }
        if !required.isEmpty { fields.append(("required", .array(required))) }
        fields.append(("additionalProperties", .bool(false)))
        if object.minFields > 0 { fields.append(("minProperties", .int(object.minFields))) }
        var all: [JSON] = []
        for group in object.exactlyOneOf {
            all.append(.object([("oneOf", .array(group.map { .object([("required", .array([.string($0)]))]) }))]))
        }
        for condition in object.requiredUnless {
            all.append(
                .object([
                    (
                        "if",
                        .object([
                            (
                                "properties",
                                .object([
                                    (
                                        condition.otherField,
                                        .object([("enum", .array(condition.values.map { .string($0) }))])
                                    )
                                ])
                            ),
                            ("required", .array([.string(condition.otherField)])),
                        ])
                    ),
                    ("else", .object([("required", .array([.string(condition.field)]))])),
                ]))
        }
        if all.count == 1, case .object(let only) = all[0] {
            fields += only.map { ($0.key, $0.value) }
        } else if !all.isEmpty {
            fields.append(("allOf", .array(all)))
        }
        return .object(fields)
    }
}
