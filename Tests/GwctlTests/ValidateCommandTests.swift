import Foundation
import TestSupport
import Testing

/// `gwctl validate` and `gwctl schema` driven end to end as a user runs them.
@Suite("gwctl validate (end to end)")
struct ValidateCommandTests {
    let gwctl = BuiltProduct("gwctl")

    @Test func acmeValidatesCleanly() throws {
        let result = try gwctl.run(["validate", "examples/acme"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(
            result.stdout.hasPrefix(
                "valid: 4 providers, 5 teams (8 keys, 3 BYOK credentials), 4 rules, 1 policy, 5 access tests in 9 files"
            ))
    }

    @Test func invalidExampleExitsOneWithCompilerStyleDiagnostics() throws {
        let result = try gwctl.run(["validate", "examples/invalid/unknown-field.yaml"])
        #expect(result.status == 1)
        let golden = try PackageRoot.read("examples/invalid/unknown-field.expected")
        #expect(result.stderr == golden + "invalid: 2 errors, 0 warnings\n")
        #expect(result.stdout == "")
    }

    @Test func reportsErrorsOfEveryPathInOneRun() throws {
        let result = try gwctl.run([
            "validate", "examples/acme", "examples/invalid/unknown-provider.yaml", "examples/invalid/wrong-type.yaml",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("examples/invalid/wrong-type.yaml:10:22: error:"))
        // Names in the invalid files collide with acme's: each is reported with a note pointing back to acme.
        #expect(
            result.stderr.contains(
                "examples/invalid/unknown-provider.yaml:26:9: error: metadata.name: a Team named 'payments' is already defined\nexamples/acme/teams/payments.yaml:6:9: note: first defined here"
            ))
        #expect(result.stderr.hasSuffix("invalid: 7 errors, 0 warnings\n"))
    }

    @Test func jsonFormatIsMachineReadable() throws {
        let result = try gwctl.run(["validate", "--format", "json", "examples/invalid/unknown-field.yaml"])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        #expect(object["errors"] as? Int == 2)
        let first = try #require((object["diagnostics"] as? [[String: Any]])?.first)
        #expect(first["code"] as? String == "unknown-field")
        #expect(first["file"] as? String == "examples/invalid/unknown-field.yaml")
        #expect(first["line"] as? Int == 8)
        #expect(first["column"] as? Int == 3)
        #expect((first["message"] as? String)?.contains("did you mean 'displayName'?") == true)
    }

    @Test func missingPathIsAnError() throws {
        let result = try gwctl.run(["validate", "examples/nowhere"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("examples/nowhere: error: no such file or directory"))
    }

    @Test func schemaCommandPrintsTheCommittedSchema() throws {
        let result = try gwctl.run(["schema"])
        #expect(result.status == 0)
        #expect(result.stdout == (try PackageRoot.read("schemas/manifest.schema.json")))
    }
}
