import Foundation
import GatewayCore
import GatewayModel
import HTTPTypes
import Hummingbird

extension DataPlane {
    /// `GET /v1/models`: only the models this key may use, each with the route and credential
    /// that would serve it. Anthropic's list shape when the request carries `anthropic-version`.
    func models(_ request: Request) async -> Response {
        let format: ChatFormat = request.headers[DataPlaneHeaders.anthropicVersion] != nil ? .anthropic : .openAI
        let requestID = RequestID.next()
        guard let secret = Self.apiKey(in: request) else {
            return DataPlaneError(refusal: Self.missingKey, requestID: requestID, format: format).response()
        }
        let snapshot: GatewaySnapshot
        do {
            snapshot = try await cache.current()
        } catch {
            let refusal = stateUnavailable(.authentication, error, requestID: requestID)
            return DataPlaneError(refusal: refusal, requestID: requestID, format: format).response()
        }
        let policy = AdmissionPolicy(snapshot: snapshot)
        let identity: Admission
        switch await caller(secret, snapshot: snapshot) {
        case .failure(let refusal):
            return DataPlaneError(refusal: refusal, requestID: requestID, format: format).response()
        case .success(let caller): identity = policy.identify(AdmissionRequest(caller: caller, model: ""))
        }
        activity.note(identity)
        if let refusal = identity.refusal {
            return DataPlaneError(
                refusal: refusal, requestID: requestID, team: identity.team?.metadata.name, key: identity.keyName,
                format: format
            ).response()
        }
        // Authenticated once: each model is then asked about by the key's name, without hashing it again.
        let caller = AdmissionRequest.Caller.named(identity.keyName ?? "")
        var entries: [JSON] = []
        for id in snapshot.modelIDs {
            let admission = policy.evaluate(AdmissionRequest(caller: caller, model: id))
            guard admission.isAdmitted, let first = admission.route.first else { continue }
            var reason: String = admission.route.map { candidate -> String in
                let credential: String =
                    switch candidate.credentialKind {
                    case .teamBYOK: "team BYOK credential '\(candidate.credentialName ?? "")'"
                    case .requestBYOK: "the credential passed with the request"
                    case .system: "system credential, paid from credits"
                    }
                return "\(candidate.provider) (\(candidate.model), \(credential))"
            }.joined(separator: ", then ")
            if admission.model != id { reason = "rewritten to '\(admission.model)' by a rule; served by \(reason)" }
            let gateway: JSON = .object([
                "reason": .string(reason),
                "route": .array(
                    admission.route.map { candidate in
                        var object: JSONObject = [
                            "provider": .string(candidate.provider), "model": .string(candidate.model),
                            "credential": .string(candidate.credentialKind.rawValue),
                        ]
                        if let name = candidate.credentialName { object["credentialName"] = .string(name) }
                        return .object(object)
                    }),
            ])
            switch format {
            case .openAI, .responses:
                entries.append(
                    .object([
                        "id": .string(id), "object": "model", "created": .int(0),
                        "owned_by": .string(first.provider), "gateway": gateway,
                    ]))
            case .anthropic:
                entries.append(
                    .object([
                        "id": .string(id), "type": "model", "display_name": .string(id),
                        "created_at": "1970-01-01T00:00:00Z", "gateway": gateway,
                    ]))
            }
        }
        let body: JSON
        switch format {
        case .openAI, .responses:
            body = .object(["object": "list", "data": .array(entries)])
        case .anthropic:
            body = .object([
                "data": .array(entries), "has_more": .bool(false),
                "first_id": entries.first?["id"] ?? .null, "last_id": entries.last?["id"] ?? .null,
            ])
        }
        return Self.json(body, requestID: requestID)
    }

    /// `GET /v1/credits`: the key's team balance, and its budgets with what they have spent.
    func credits(_ request: Request) async -> Response {
        let requestID = RequestID.next()
        guard let secret = Self.apiKey(in: request) else {
            return DataPlaneError(refusal: Self.missingKey, requestID: requestID, format: .openAI).response()
        }
        let snapshot: GatewaySnapshot
        do {
            snapshot = try await cache.current()
        } catch {
            let refusal = stateUnavailable(.authentication, error, requestID: requestID)
            return DataPlaneError(refusal: refusal, requestID: requestID, format: .openAI).response()
        }
        let identity: Admission
        switch await caller(secret, snapshot: snapshot) {
        case .failure(let refusal):
            return DataPlaneError(refusal: refusal, requestID: requestID, format: .openAI).response()
        case .success(let caller):
            identity = AdmissionPolicy(snapshot: snapshot).identify(AdmissionRequest(caller: caller, model: ""))
        }
        activity.note(identity)
        guard let team = identity.team, let key = identity.key,
            identity.isAdmitted || identity.refusal?.code == .teamSuspended
        else {
            return DataPlaneError(
                refusal: identity.refusal ?? Self.missingKey, requestID: requestID, format: .openAI
            ).response()
        }
        let teamName = team.metadata.name
        let body: JSONObject
        do {
            // The balance is the store's; while it cannot be read the answer is a prompt 503, not a wait.
            if cache.health.isDown { throw StoreDown() }
            let plane = self
            body = try await cache.health.bounded(within: .seconds(2)) {
                await plane.usageWriter.flush()
                return try await plane.creditFigures(team: team, key: key)
            }
        } catch {
            return DataPlaneError(
                refusal: stateUnavailable(.credits, error, requestID: requestID), requestID: requestID,
                team: teamName, key: key.name, format: .openAI
            ).response()
        }
        return Self.json(.object(body), requestID: requestID)
    }

    private struct StoreDown: Error, CustomStringConvertible {
        var description: String { "the state store is down (an earlier read failed)" }
    }

    /// The team's balance, and each budget with what it has spent this period, as `/v1/credits` shows them.
    private func creditFigures(team: TeamRecord, key: APIKeyRecord) async throws -> JSONObject {
        let teamName = team.metadata.name
        let balance = try await store.balance(team: teamName)
        var body: JSONObject = [
            "team": .string(teamName), "key": .string(key.name), "balanceMicroUSD": .double(Double(balance)),
            "balanceUSD": .double(Double(balance) / 1_000_000),
        ]
        let now = Timestamp.now
        for (field, budget, keyName) in [
            ("teamBudget", team.budget, nil as String?), ("keyBudget", key.budget, key.name),
        ] {
            guard let budget else { continue }
            let start = budget.period.start(containing: now)
            let spent = try await store.spend(team: teamName, key: keyName, since: start)
            body[field] = .object([
                "limitUSD": .double(budget.limitUSD), "period": .string(budget.period.rawValue),
                "periodStart": .string(start.description), "spentUSD": .double(Double(spent) / 1_000_000),
            ])
        }
        return body
    }

    static func json(_ body: JSON, requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[DataPlaneHeaders.requestID] = requestID
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.encoded())))
    }
}
