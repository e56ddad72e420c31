import GatewayModel
import YAMLCore

/// Joins the documents of all files into one `DesiredState`: one resource per name, references
/// that resolve. (Policy findings, which need the whole configuration, come from the lint in GwctlCore.)
struct ManifestAssembler {
    private(set) var diagnostics: [Diagnostic] = []
    private var kept: [ManifestDocument] = []

    /// Keeps the first document of each (kind, name); later ones are errors pointing at the first.
    init(documents: [ManifestDocument]) {
        var first: [ManifestSchema.Kind: [String: ManifestDocument]] = [:]
        var policy: ManifestDocument?
        for document in documents {
            if document.kind == .gatewayPolicy {
                if let earlier = policy {
                    diagnostics.append(
                        .error(
                            .multiplePolicies, at: document.keyLocation("kind", in: document.node),
                            "more than one GatewayPolicy; a gateway has exactly one policy, named 'default'",
                            notes: [
                                .init(
                                    "the first GatewayPolicy is here", at: earlier.keyLocation("kind", in: earlier.node)
                                )
                            ]
                        ))
                    continue
                }
                policy = document
                if document.name != GatewayPolicy.requiredName {
                    diagnostics.append(
                        .error(
                            .invalidName, at: document.nameLocation,
                            "metadata.name: a GatewayPolicy must be named '\(GatewayPolicy.requiredName)', found '\(document.name)'"
                        ))
                }
            } else if let earlier = first[document.kind]?[document.name] {
                diagnostics.append(
                    .error(
                        .duplicateName, at: document.nameLocation,
                        "metadata.name: a \(document.kind.rawValue) named '\(document.name)' is already defined",
                        notes: [.init("first defined here", at: earlier.nameLocation)]))
                continue
            }
            first[document.kind, default: [:]][document.name] = document
            kept.append(document)
        }
    }

    /// Decodes the kept documents and checks references.
    mutating func assemble() -> (DesiredState, [ManifestDocument]) {
        var providers: [Provider] = []
        var teams: [Team] = []
        var rules: [Rule] = []
        var issuers: [Issuer] = []
        var policy: GatewayPolicy?
        var tests: [AccessTest] = []
        for document in kept {
            switch document.kind {
            case .provider: providers.append(ResourceDecoder.provider(document.node))
            case .team: teams.append(ResourceDecoder.team(document.node))
            case .rule: rules.append(ResourceDecoder.rule(document.node))
            case .gatewayPolicy: policy = ResourceDecoder.policy(document.node)
            case .accessTest: tests.append(ResourceDecoder.accessTest(document.node))
            case .issuer: issuers.append(ResourceDecoder.issuer(document.node))
            }
        }
        let state = DesiredState(
            providers: providers, policy: policy, teams: teams, rules: rules, issuers: issuers, accessTests: tests)
        var references = ReferenceChecker(state: state)
        for document in kept {
            references.check(document)
        }
        diagnostics += references.diagnostics
        return (state, kept)
    }
}
