import GatewayModel
import GwctlCore
import ManifestKit
import TestSupport
import Testing

/// The plan-time lint on example manifests: every finding at its line, compared with a golden file.
@Suite("Plan-time lint")
struct LintGoldenTests {
    /// A fixed "now", so expiry findings do not change with the date.
    static let now = Timestamp(rfc3339: "2026-11-01T00:00:00Z")!

    static func lint(_ paths: [String]) -> ManifestSet {
        var manifests = ManifestLoader().load(paths: paths.map(PackageRoot.path))
        ManifestLint.lint(&manifests, now: now)
        return manifests
    }

    @Test(
        "each lint example reports its golden findings",
        arguments: PackageRoot.files(in: "examples/lint", suffix: ".yaml"))
    func example(file: String) throws {
        var manifests = ManifestLoader().load(sources: [
            .init(path: file, bytes: Array(try PackageRoot.read(file).utf8))
        ])
        ManifestLint.lint(&manifests, now: Self.now)
        let actual = DiagnosticRenderer.text(manifests.diagnostics)
        #expect(actual == (try Golden.expected(String(file.dropLast(".yaml".count)) + ".expected", actual: actual)))
        #expect(!manifests.diagnostics.isEmpty)
        // Only the errors example stops a plan; the others are warnings.
        #expect(manifests.isValid == !file.hasSuffix("errors.yaml"))
    }

    @Test func everyStaticFindingHasAnExample() throws {
        var seen: Set<String> = []
        for file in PackageRoot.files(in: "examples/lint", suffix: ".yaml") {
            var manifests = ManifestLoader().load(
                sources: [.init(path: file, bytes: Array(try PackageRoot.read(file).utf8))])
            ManifestLint.lint(&manifests, now: Self.now)
            seen.formUnion(manifests.diagnostics.map(\.code.rawValue))
        }
        let expected: Set<String> = [
            "key-expired", "key-expiring", "key-models-unreachable", "byok-free-tier", "byok-unusable",
            "zdr-unsatisfiable", "provider-without-credential", "glob-matches-nothing", "provider-without-models",
            "model-not-served", "rule-never-matches", "deny-all", "deny-shadows-rules", "rewrite-loop",
            "route-provider-not-serving", "fallback-not-allowed",
        ]
        #expect(seen == expected)
    }

    @Test func acmeIsClean() {
        let manifests = Self.lint(["examples/acme"])
        #expect(manifests.diagnostics.isEmpty, "\(DiagnosticRenderer.text(manifests.diagnostics))")
    }

    @Test func invalidManifestsAreNotLinted() throws {
        let file = "examples/invalid/unknown-provider.yaml"
        var manifests = ManifestLoader().load(sources: [
            .init(path: file, bytes: Array(try PackageRoot.read(file).utf8))
        ])
        let before = manifests.diagnostics
        ManifestLint.lint(&manifests, now: Self.now)
        #expect(manifests.diagnostics == before)
    }
}
