import GatewayModel
import GatewayPlan
import ManifestKit
import PolicyAudit
import YAMLCore

/// The plan-time lint (run by `validate`, `plan` and `apply`): the audit's findings on the
/// desired state, placed at the manifest line they are about. Error findings make the manifests
/// invalid, so a plan stops before anything is changed (`plan` reads the live state while the
/// lint runs; manifests that fail validation or secret resolution contact nothing); warnings are shown.
///
/// Findings only the live gateway can know (use, ownership) and ones that restate the manifest
/// (a suspended team's keys, keys without expiry) are left to `gwctl audit`.
public enum ManifestLint {
    /// Adds the lint's diagnostics to valid manifests (invalid ones are not linted: their state is partial).
    public static func lint(_ manifests: inout ManifestSet, now: Timestamp = .now) {
        guard manifests.isValid else { return }
        manifests.diagnostics = (manifests.diagnostics + diagnostics(for: manifests, now: now)).sortedByLocation()
    }

    /// - Parameter records: the manifests' records when the caller has built them already (a
    ///   plan shares them with its diff instead of holding a second copy of every key).
    static func diagnostics(for manifests: ManifestSet, records: DesiredRecords? = nil, now: Timestamp) -> [Diagnostic]
    {
        let state = desiredState(of: manifests, records: records)
        let report = Audit.run(state, target: "manifests", options: Audit.Options(now: now, keyRows: false))
        let tests = manifests.state.accessTests
        let failed =
            tests.isEmpty
            ? []
            : AccessTestReport.diagnostics(for: manifests, results: AccessTestRun(state: state, now: now).run(tests))
        return failed
            + report.findings.filter { !$0.code.isLiveOnly }.compactMap { finding in
                guard let location = location(of: finding, in: manifests) else { return nil }
                let severity: Diagnostic.Severity = finding.severity == .error ? .error : .warning
                return Diagnostic(
                    severity, DiagnosticCode(rawValue: finding.code.rawValue), at: location,
                    "\(finding.message) [\(finding.code.rawValue)]", notes: [.init("fix: \(finding.fix)", at: location)]
                )
            }
    }

    /// The manifests' state as a gateway would hold it, for the audit and access tests: only
    /// whether a provider has a system secret matters to them, not its value.
    static func desiredState(of manifests: ManifestSet, records: DesiredRecords? = nil) -> GatewayState {
        var state = (records ?? DesiredRecords(state: manifests.state, secrets: [:])).asState
        for (position, provider) in manifests.state.providers.enumerated() where provider.secret != nil {
            state.providers[position].secret = SecretFingerprint(salt: "", sha256: "")
        }
        return state
    }

    /// The manifest position a finding is about: the field it names, or the resource's name.
    static func location(of finding: Finding, in manifests: ManifestSet) -> SourceLocation? {
        let resource = finding.resource
        let document: ManifestDocument?
        switch resource.kind {
        case .provider: document = manifests.document(.provider, named: resource.name)
        case .policy: document = manifests.document(.gatewayPolicy, named: resource.name)
        case .team, .apiKey, .credential:
            document = manifests.document(.team, named: resource.team ?? resource.name)
        case .rule: document = manifests.document(.rule, named: resource.name)
        case .issuer: document = manifests.document(.issuer, named: resource.name)
        }
        guard let document else { return nil }
        var node = document.node["spec"]
        var fallback = document.nameLocation
        if resource.kind.isTeamScoped {
            let list = resource.kind == .apiKey ? "keys" : "byok"
            node = node?[list]?.sequence?.first { $0["name"]?.scalar?.text == resource.name }
            guard let item = node else { return fallback }
            fallback = document.location(of: item["name"])
        }
        guard let field = finding.field, var current = node else { return fallback }
        var parent: YAMLNode?
        var lastKey: String?
        for component in field.split(separator: ".") {
            var name = Substring(component)
            var position: Int?
            if let open = component.firstIndex(of: "["), component.last == "]" {
                name = component[..<open]
                position = Int(component[component.index(after: open)..<component.index(before: component.endIndex)])
            }
            guard let child = current[String(name)] else { break }
            parent = current
            lastKey = String(name)
            current = child
            if let position {
                guard let items = child.sequence, position < items.count else { break }
                parent = nil
                current = items[position]
            }
        }
        // A mapping value (`deny: {…}`) reads best at its key.
        if current.mapping != nil, let parent, let lastKey { return document.keyLocation(lastKey, in: parent) }
        return document.location(of: current)
    }
}
