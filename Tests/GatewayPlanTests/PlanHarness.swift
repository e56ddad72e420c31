import Foundation
import GatewayModel
import GatewayPlan
import GatewayStore
import ManifestKit
import TestSupport

/// Secrets for examples/acme, as a CI job would export them.
enum AcmeSecrets {
    static let environment = [
        "ACME_OPENAI_KEY": "sk-acme-openai-0001", "ACME_ANTHROPIC_KEY": "sk-acme-anthropic-0001",
        "PAYMENTS_AZURE_OPENAI_KEY": "az-payments-0001", "LEGAL_AZURE_OPENAI_KEY": "az-legal-0001",
    ]
    static let fileSecret = "sk-research-0001\n"

    static func resolver(environment: [String: String] = environment) -> SecretResolver {
        SecretResolver(
            environment: environment,
            readFile: { $0.hasSuffix("examples/acme/secrets/research-anthropic.key") ? Data(fileSecret.utf8) : nil })
    }
}

/// A fresh embedded gateway and helpers to plan manifests against it.
struct PlanHarness {
    let directory: URL
    let store: SQLiteGatewayStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("plan-test-\(UUID())")
        store = try StateFiles(statePath: directory.appendingPathComponent("state.db").path)
            .openStore(environment: [:], create: true)
    }

    func cleanup() { try? FileManager.default.removeItem(at: directory) }

    /// Desired records from manifest text or files.
    static func desired(
        _ manifests: ManifestSet, resolver: SecretResolver = AcmeSecrets.resolver()
    ) throws -> DesiredRecords {
        guard manifests.isValid else { throw HarnessError(DiagnosticRenderer.text(manifests.diagnostics)) }
        let (secrets, diagnostics) = resolver.resolve(manifests)
        guard diagnostics.isEmpty else { throw HarnessError(DiagnosticRenderer.text(diagnostics)) }
        return DesiredRecords(state: manifests.state, secrets: secrets)
    }

    static func acme() throws -> DesiredRecords {
        try desired(ManifestLoader().load(paths: [PackageRoot.path("examples/acme")]))
    }

    func plan(_ desired: DesiredRecords, options: Planner.Options = .init()) async throws -> Plan {
        Planner(options: options).plan(desired: desired, actual: try await store.state(), target: "test")
    }

    @discardableResult
    func apply(_ plan: Plan, secrets: [ResourceRef: String]) async throws -> ChangesetResult {
        try await store.apply(try plan.changeset(secrets: secrets), actor: "test")
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
