import GatewayCrypto
import GatewayModel

extension Plan {
    /// The live state as it will be once the plan is applied: each action's desired record put in
    /// place of the live one (or removed), everything the plan leaves alone kept as it is.
    ///
    /// Secrets are represented by fingerprints, as the gateway stores them: a secret the plan adds
    /// or changes gets a fresh fingerprint, one it removes none, one it leaves alone keeps its own.
    public func plannedState(from actual: GatewayState, desired: DesiredRecords) -> GatewayState {
        guard hasChanges else { return actual }
        var byRef: [ResourceRef: PlannedAction] = [:]
        for action in actions { byRef[action.target] = action }
        func placed<Record>(
            _ live: [Record], _ wanted: [Record], kind: ResourceKind, ref: (Record) -> ResourceRef,
            secret: (inout Record, Record?, PlannedAction) -> Void = { _, _, _ in }
        ) -> [Record] {
            guard actions.contains(where: { $0.target.kind == kind }) else { return live }
            var wantedByRef: [ResourceRef: Record] = [:]
            for record in wanted {
                let target = ref(record)
                if byRef[target] != nil { wantedByRef[target] = record }
            }
            var result: [Record] = []
            result.reserveCapacity(live.count)
            for record in live {
                let target = ref(record)
                guard let action = byRef[target] else {
                    result.append(record)
                    continue
                }
                guard action.action != .delete, var replacement = wantedByRef.removeValue(forKey: target) else {
                    continue
                }
                secret(&replacement, record, action)
                result.append(replacement)
            }
            for record in wanted {
                let target = ref(record)
                guard var created = wantedByRef.removeValue(forKey: target), let action = byRef[target] else {
                    continue
                }
                secret(&created, nil, action)
                result.append(created)
            }
            return result
        }
        func fingerprint(
            _ target: ResourceRef, live: SecretFingerprint?, _ action: PlannedAction
        )
            -> SecretFingerprint?
        {
            switch action.secret {
            case .added?, .changed?: return desired.secrets[target].map(SecretFingerprint.make) ?? live
            case .removed?: return nil
            case nil: return live
            }
        }
        var state = actual
        state.providers = placed(
            actual.providers, desired.providers, kind: .provider, ref: { .provider($0.metadata.name) }
        ) {
            record, live, action in
            record.secret = fingerprint(action.target, live: live?.secret, action)
        }
        if let action = byRef[.policy] {
            state.policy = action.action == .delete ? nil : desired.policy
        }
        state.teams = placed(actual.teams, desired.teams, kind: .team, ref: { .team($0.metadata.name) })
        state.credentials = placed(
            actual.credentials, desired.credentials, kind: .credential,
            ref: { .credential(team: $0.team, name: $0.name) }
        ) { record, live, action in
            record.secret = fingerprint(action.target, live: live?.secret, action)
        }
        state.apiKeys = placed(
            actual.apiKeys, desired.apiKeys, kind: .apiKey, ref: { .apiKey(team: $0.team, name: $0.name) })
        state.rules = placed(actual.rules, desired.rules, kind: .rule, ref: { .rule($0.metadata.name) })
        state.issuers = placed(actual.issuers, desired.issuers, kind: .issuer, ref: { .issuer($0.metadata.name) })
        return state
    }
}
