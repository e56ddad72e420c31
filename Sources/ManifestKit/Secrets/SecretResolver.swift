import Foundation
import GatewayModel

/// Resolves the `env:` and `file:` secret references of loaded manifests, at plan time.
///
/// An unset or empty variable and an unreadable or empty file are errors at the manifest
/// position of the reference: a secret is never silently empty. A reference the policy refuses
/// (`SecretPolicy`) is an error there too, and is never read. Values never enter diagnostics.
public struct SecretResolver: Sendable {
    public var environment: [String: String]
    /// Reads a secret file; replaceable so tests need not write under /run/secrets.
    public var readFile: @Sendable (String) -> Data?
    /// Where references may point; nil allows any (for benchmarks and tests of other things).
    public var policy: SecretPolicy?

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        readFile: @escaping @Sendable (String) -> Data? = { FileManager.default.contents(atPath: $0) },
        policy: SecretPolicy? = .confined()
    ) {
        self.environment = environment
        self.readFile = readFile
        self.policy = policy
    }

    /// The plaintext of every secret the manifests reference, by the resource that holds it.
    public func resolve(_ manifests: ManifestSet) -> (secrets: [ResourceRef: String], diagnostics: [Diagnostic]) {
        var secrets: [ResourceRef: String] = [:]
        var diagnostics: [Diagnostic] = []
        for use in Self.uses(in: manifests) {
            switch value(of: use.reference) {
            case .success(let value): secrets[use.ref] = value
            case .failure(let failure):
                diagnostics.append(
                    .error(
                        failure.refused ? .secretRefused : .secretUnresolved, at: use.location,
                        "\(use.ref): \(failure.description)"))
            }
        }
        return (secrets, diagnostics.sortedByLocation())
    }

    /// Where each secret comes from, by the resource that holds it.
    public static func references(in manifests: ManifestSet) -> [ResourceRef: SecretReference] {
        Dictionary(uses(in: manifests).map { ($0.ref, $0.reference) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every secret reference in the manifests, anchored, with the position that names it.
    private static func uses(
        in manifests: ManifestSet
    ) -> [(ref: ResourceRef, reference: SecretReference, location: SourceLocation)] {
        var uses: [(ref: ResourceRef, reference: SecretReference, location: SourceLocation)] = []
        for provider in manifests.state.providers {
            guard let reference = provider.secret else { continue }
            let document = manifests.document(.provider, named: provider.name)
            let location = document.map { $0.location(of: $0.node["spec"]?["secret"]) } ?? SourceLocation(file: "?")
            uses.append((.provider(provider.name), anchored(reference, at: location), location))
        }
        for team in manifests.state.teams {
            let document = manifests.document(.team, named: team.name)
            let nodes = document?.node["spec"]?["byok"]?.sequence ?? []
            for (index, credential) in team.byok.enumerated() {
                let node = index < nodes.count ? nodes[index]["secret"] : nil
                let location = document.map { $0.location(of: node) } ?? SourceLocation(file: "?")
                uses.append(
                    (
                        .credential(team: team.name, name: credential.name), anchored(credential.secret, at: location),
                        location
                    ))
            }
        }
        return uses
    }

    /// A relative `file:` path resolved against the directory of the manifest file that names
    /// it (an overlay's own, for a reference an overlay sets), so manifests find their secrets
    /// wherever gwctl runs from; absolute paths and `env:` stay as they are.
    static func anchored(_ reference: SecretReference, at location: SourceLocation) -> SecretReference {
        guard case .file(let path) = reference, !path.hasPrefix("/"), location.file != "?" else { return reference }
        let directory = URL(fileURLWithPath: location.file).deletingLastPathComponent()
        return .file(directory.appendingPathComponent(path).standardizedFileURL.path)
    }

    /// The secret's value, or why it has none.
    public func value(of reference: SecretReference) -> Result<String, ResolutionFailure> {
        if let refusal = policy?.refusal(of: reference) {
            return .failure(ResolutionFailure(refusal, refused: true))
        }
        switch reference {
        case .env(let name):
            guard let value = environment[name] else {
                return .failure(ResolutionFailure("environment variable \(name) is not set"))
            }
            guard !value.isEmpty else { return .failure(ResolutionFailure("environment variable \(name) is empty")) }
            return .success(value)
        case .file(let path):
            guard let data = readFile(path) else {
                return .failure(ResolutionFailure("cannot read secret file \(path)"))
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else { return .failure(ResolutionFailure("secret file \(path) is empty")) }
            return .success(text)
        }
    }

    /// Why a reference has no value.
    public struct ResolutionFailure: Error, CustomStringConvertible {
        public var description: String
        /// The policy refused the reference; it was not read.
        public var refused: Bool
        init(_ description: String, refused: Bool = false) {
            self.description = description
            self.refused = refused
        }
    }
}
