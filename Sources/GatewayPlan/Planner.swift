import GatewayCrypto
import GatewayModel

/// Computes a plan: a pure function of the desired records and the live state.
///
/// Only resources that gwctl manages are deleted when absent from the manifests; others are
/// listed and left alone. Server-side fields (status, fingerprints, prefixes, last use) are
/// cleared before comparing, so applying a plan and planning again always shows no changes.
public struct Planner: Sendable {
    public struct Options: Sendable {
        /// The owner recorded on what gwctl writes, and the only owner whose resources it deletes.
        public var managedBy: String = ManagedBy.gwctl
        /// Fail the plan when it would delete more than this many resources.
        public var maxDeletes: Int?
        /// Limit the plan to these teams (their settings, credentials and keys); nil plans everything.
        public var teams: Set<String>?

        public init(maxDeletes: Int? = nil, teams: Set<String>? = nil) {
            self.maxDeletes = maxDeletes
            self.teams = teams
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    public func plan(desired: DesiredRecords, actual: GatewayState, target: String) -> Plan {
        var pass = Pass(planner: self, secrets: desired.secrets)
        pass.compare(
            desired.providers, actual.providers, ref: { .provider($0.metadata.name) }, as: StoredResource.provider)
        pass.compare(
            desired.policy.map { [$0] } ?? [], actual.policy.map { [$0] } ?? [], ref: { _ in .policy },
            as: StoredResource.policy)
        pass.compare(desired.teams, actual.teams, ref: { .team($0.metadata.name) }, as: StoredResource.team)
        pass.compare(
            desired.credentials, actual.credentials, ref: { .credential(team: $0.team, name: $0.name) },
            as: StoredResource.credential)
        pass.compare(
            desired.apiKeys, actual.apiKeys, ref: { .apiKey(team: $0.team, name: $0.name) }, as: StoredResource.apiKey)
        pass.compare(desired.rules, actual.rules, ref: { .rule($0.metadata.name) }, as: StoredResource.rule)
        pass.compare(desired.issuers, actual.issuers, ref: { .issuer($0.metadata.name) }, as: StoredResource.issuer)
        var (actions, unmanaged, errors) = (pass.actions, pass.unmanaged, pass.errors)
        Self.annotateKeyMoves(&actions)
        Self.annotateRotations(&actions, policy: desired.policy ?? actual.policy ?? PolicyRecord())
        actions = Self.inApplyOrder(actions)
        unmanaged.sort()

        let deletions = actions.filter { $0.action == .delete }
        let deleted = Set(deletions.map(\.target))
        for team in deleted where team.kind == .team {
            let stranded = unmanaged.filter { $0.team == team.name }
            if !stranded.isEmpty {
                errors.append(
                    "\(team) cannot be deleted: it still holds \(stranded.map(\.description).joined(separator: ", ")), not managed by gwctl"
                )
            }
        }
        if let maxDeletes = options.maxDeletes, deletions.count > maxDeletes {
            errors.append("the plan deletes \(deletions.count) resources, more than --max-deletes \(maxDeletes)")
        }
        return Plan(
            target: target, stateRevision: actual.revision, actions: actions, unmanaged: unmanaged, errors: errors)
    }

    /// One walk over the records of each kind: the live ones indexed by reference (positions
    /// only, so an index of 100k keys moves no records), the desired ones looked up in it.
    private struct Pass {
        let planner: Planner
        let secrets: [ResourceRef: String]
        var actions: [PlannedAction] = []
        var unmanaged: [ResourceRef] = []
        var errors: [String] = []

        init(planner: Planner, secrets: [ResourceRef: String]) {
            self.planner = planner
            self.secrets = secrets
        }

        mutating func compare<Record>(
            _ wanted: [Record], _ live: [Record], ref: (Record) -> ResourceRef, as wrap: (Record) -> StoredResource
        ) {
            var positions: [ResourceRef: Int] = [:]
            positions.reserveCapacity(live.count)
            for (position, record) in live.enumerated() { positions[ref(record)] = position }
            var matched = [Bool](repeating: false, count: live.count)
            for record in wanted {
                let target = ref(record)
                let position = positions[target]
                if let position { matched[position] = true }
                guard planner.inScope(target) else { continue }
                guard let position else {
                    actions.append(planner.create(target, wrap(record), secret: secrets[target]))
                    continue
                }
                let current = wrap(live[position])
                if let action = planner.update(
                    target, from: (current.normalised, current.status, current.fingerprint), to: wrap(record),
                    secret: secrets[target])
                {
                    actions.append(action)
                }
            }
            for (position, record) in live.enumerated() where !matched[position] {
                let target = ref(record)
                guard planner.inScope(target) else { continue }
                delete(target, wrap(record))
            }
        }

        private mutating func delete(_ target: ResourceRef, _ current: StoredResource) {
            guard current.status?.managedBy == planner.options.managedBy else {
                unmanaged.append(target)
                return
            }
            if current.metadata?.protected == true {
                errors.append(
                    "\(target) is protected (metadata.protected: true) and cannot be deleted; remove the flag first")
            }
            actions.append(
                PlannedAction(
                    action: .delete, target: target, changes: [], secret: nil, notes: Planner.deleteNotes(target),
                    operation: ChangeOperation(op: .delete, target: target, ifRevision: current.status?.revision)))
        }
    }

    private func inScope(_ ref: ResourceRef) -> Bool {
        guard let teams = options.teams else { return true }
        switch ref.kind {
        case .team: return teams.contains(ref.name)
        case .credential, .apiKey: return teams.contains(ref.team ?? "")
        case .provider, .policy, .rule, .issuer: return false
        }
    }

    private func create(_ ref: ResourceRef, _ resource: StoredResource, secret: String?) -> PlannedAction {
        var notes: [String] = []
        if ref.kind == .apiKey { notes.append("mints a new secret, shown once") }
        return PlannedAction(
            action: .create, target: ref, changes: resource.changes(from: nil), secret: secret == nil ? nil : .added,
            notes: notes, operation: resource.operation(.create, ref, ifRevision: nil))
    }

    private func update(
        _ ref: ResourceRef,
        from current: (resource: StoredResource, status: RecordStatus?, fingerprint: SecretFingerprint?),
        to resource: StoredResource, secret: String?
    ) -> PlannedAction? {
        var secretChange: SecretChange?
        switch (secret, current.fingerprint) {
        case (.some, nil): secretChange = .added
        case (let value?, let fingerprint?) where !fingerprint.matches(value): secretChange = .changed
        case (nil, .some) where ref.kind == .provider: secretChange = .removed
        default: break
        }
        let adopting = current.status?.managedBy != options.managedBy
        // Equality first: field diffs cost an encoding, and in a synced gateway almost nothing differs.
        let same = resource == current.resource
        guard !same || secretChange != nil || adopting else { return nil }
        let changes = same ? [] : resource.changes(from: current.resource)
        var notes: [String] = []
        if adopting {
            notes.append("adopts a resource made outside gwctl (managedBy: \(current.status?.managedBy ?? "unknown"))")
        }
        var kind: ChangeOperation.Kind = .update
        if case .apiKey(let new) = resource, case .apiKey(let old) = current.resource, new.rotation != old.rotation {
            kind = .rotate
            notes.append("rotation \(old.rotation) → \(new.rotation): mints a new secret")
        }
        var operation = resource.operation(kind, ref, ifRevision: current.status?.revision)
        if secretChange == .removed { operation.clearSecret = true }
        return PlannedAction(
            action: kind, target: ref, changes: changes, secret: secretChange, notes: notes, operation: operation)
    }

    private static func deleteNotes(_ ref: ResourceRef) -> [String] {
        switch ref.kind {
        case .apiKey: return ["revokes the key: requests with it fail with invalid_api_key"]
        case .credential: return ["the team's requests to its provider fall back to the system credential, if any"]
        default: return []
        }
    }

    /// Says on each rotation when the replaced secret stops working: the overlap is the key's own,
    /// else the policy's as this plan leaves it, so the note is what the gateway will do.
    private static func annotateRotations(_ actions: inout [PlannedAction], policy: PolicyRecord) {
        for index in actions.indices where actions[index].action == .rotate {
            guard let key = actions[index].operation.payload?.apiKey else { continue }
            let overlap = policy.rotationOverlapSeconds(of: key)
            let source =
                key.rotationOverlapSeconds != nil
                ? "the key's rotationOverlap"
                : policy.keyRotationOverlapSeconds != nil ? "the policy's keyRotationOverlap" : "the default overlap"
            actions[index].notes.append(
                overlap == 0
                    ? "the old secret stops working at once (\(source): 0) and then answers key_rotated"
                    : "the old secret keeps working for \(Interval.text(overlap)) after apply (\(source)), then answers key_rotated"
            )
        }
    }

    /// A key deleted from one team and created under the same name in another is a move, which
    /// the gateway can only do as revoke + mint; say so on both actions.
    private static func annotateKeyMoves(_ actions: inout [PlannedAction]) {
        let deletedKeys = actions.filter { $0.action == .delete && $0.target.kind == .apiKey }
        for index in actions.indices where actions[index].action == .create && actions[index].target.kind == .apiKey {
            let target = actions[index].target
            guard let moved = deletedKeys.first(where: { $0.target.name == target.name }) else { continue }
            let from = moved.target.team ?? "?"
            let sentence =
                "key '\(target.name)' moves from team \(from) to team \(target.team ?? "?"): keys cannot change team, so the old secret is revoked and a new one minted"
            actions[index].notes.append(sentence)
            if let deleteIndex = actions.firstIndex(where: { $0.target == moved.target && $0.action == .delete }) {
                actions[deleteIndex].notes.append(sentence)
            }
        }
    }

    /// Creates, updates and rotations parents first; then deletes, children first. Sorts small
    /// keys and permutes once: moving 100k plan actions through a comparison sort is slow.
    private static func inApplyOrder(_ actions: [PlannedAction]) -> [PlannedAction] {
        let keys = actions.indices.map { index -> (Int, String, String, Int) in
            let target = actions[index].target
            let isDelete = actions[index].action == .delete
            let rank = isDelete ? 100 - target.kind.applyOrder : target.kind.applyOrder
            return (rank, target.team ?? "", target.name, index)
        }
        return keys.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }.map { actions[$0.3] }
    }
}
