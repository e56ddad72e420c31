import ArgumentParser
import ManifestKit

/// `gwctl schema`: the JSON Schema of manifests, for editors and other validators.
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the manifest JSON Schema (2020-12).",
        discussion: "The same schema is committed as schemas/manifest.schema.json."
    )

    func run() {
        print(JSONSchemaGenerator.manifestSchemaText(), terminator: "")
    }
}
