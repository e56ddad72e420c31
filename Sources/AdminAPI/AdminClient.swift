import AsyncHTTPClient
import Foundation
import GatewayModel
import HTTPTypes
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// The admin API over HTTP, for gwctl against a running gatewayd.
public struct AdminClient: GatewayAdmin {
    public let serverURL: URL
    public var targetDescription: String { serverURL.absoluteString }
    let client: Client
    private let httpClient: HTTPClient
    private let token: String?
    private let timeout: TimeAmount
    /// How reads and changesets are retried after a lost connection or a 5xx.
    public let retry: RetryPolicy

    /// A client for the gateway at `serverURL` (e.g. `http://127.0.0.1:8080`), authenticating with `token`.
    public init(
        serverURL: URL, token: String?, httpClient: HTTPClient = .shared, timeout: TimeAmount = .seconds(120),
        retry: RetryPolicy = .standard
    ) {
        self.serverURL = serverURL
        self.httpClient = httpClient
        self.token = token
        self.timeout = timeout
        self.retry = retry
        client = Client(
            serverURL: serverURL,
            configuration: .init(jsonEncodingOptions: [.withoutEscapingSlashes]),
            transport: AsyncHTTPClientTransport(configuration: .init(client: httpClient, timeout: timeout)),
            middlewares: [BearerToken(token: token)])
    }

    /// The whole state. Read past the generated client: at 100k keys the body is 34 MiB, and
    /// `GatewayState.decodeJSON` decodes it in a third of the time `JSONDecoder` takes.
    public func state() async throws -> GatewayState {
        try await retry.run { try await readState() }
    }

    private func readState() async throws -> GatewayState {
        var request = HTTPClientRequest(url: serverURL.appendingPathComponent("admin/v1/state").absoluteString)
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        request.headers.add(name: "accept", value: "application/json")
        let (status, body): (Int, ByteBuffer)
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            status = Int(response.status.code)
            body = try await response.body.collect(upTo: .max)
        } catch {
            throw GatewayAdminError.transport(String(describing: error))
        }
        let bytes = Array(body.readableBytesView)
        guard status == 200 else {
            throw Self.error(
                status, try? JSONDecoder().decode(Components.Schemas.ErrorResponse.self, from: Data(bytes)))
        }
        do {
            return try GatewayState.decodeJSON(bytes)
        } catch {
            throw GatewayAdminError.transport("the state document was not readable: \(error)")
        }
    }

    /// Applies the changeset under a fresh idempotency key, retried with that same key after a lost
    /// answer or a 5xx: the gateway applies it at most once and a retry gets the first answer.
    public func apply(_ changeset: Changeset) async throws -> ChangesetResult {
        let key = UUID().uuidString
        return try await retry.run {
            switch try await call({
                try await client.applyChangeset(headers: .init(idempotencyKey: key), body: .json(changeset))
            }) {
            case .ok(let ok): return try ok.body.json
            case .default(let status, let error): throw Self.error(status, try? error.body.json)
            }
        }
    }

    public func explain(_ request: ExplainRequest) async throws -> Explanation {
        try await retry.run {
            switch try await call({ try await client.explain(body: .json(request)) }) {
            case .ok(let ok): return try ok.body.json
            case .default(let status, let error): throw Self.error(status, try? error.body.json)
            }
        }
    }

    /// Usage records at or after `since`, optionally of one team.
    public func usage(since: Timestamp? = nil, team: String? = nil) async throws -> [UsageRecord] {
        try await retry.run {
            switch try await call({
                try await client.getUsage(
                    query: .init(
                        since: since.map { Date(timeIntervalSince1970: TimeInterval($0.seconds)) }, team: team))
            }) {
            case .ok(let ok): return try ok.body.json.records
            case .default(let status, let error): throw Self.error(status, try? error.body.json)
            }
        }
    }

    /// Served requests at or after `since`, grouped for a replay.
    public func traffic(since: Timestamp) async throws -> [TrafficGroup] {
        try await retry.run {
            switch try await call({
                try await client.getTraffic(
                    query: .init(since: Date(timeIntervalSince1970: TimeInterval(since.seconds))))
            }) {
            case .ok(let ok): return try ok.body.json.groups
            case .default(let status, let error): throw Self.error(status, try? error.body.json)
            }
        }
    }

    /// A team's credit balance.
    public func credits(team: String) async throws -> CreditBalance {
        try await retry.run {
            switch try await call({ try await client.getCredits(path: .init(team: team)) }) {
            case .ok(let ok): return try ok.body.json
            case .default(let status, let error): throw Self.error(status, try? error.body.json)
            }
        }
    }

    /// Adds credits to a team. Not retried: a grant has no idempotency key, and a retried one
    /// whose first answer was lost would grant twice.
    public func grantCredits(team: String, _ grant: CreditGrant) async throws -> CreditBalance {
        switch try await call({ try await client.grantCredits(path: .init(team: team), body: .json(grant)) }) {
        case .ok(let ok): return try ok.body.json
        case .default(let status, let error): throw Self.error(status, try? error.body.json)
        }
    }

    /// Audit entries after `after`, oldest first.
    public func auditLog(after: Int64 = 0, limit: Int = 1000) async throws -> [AuditEntry] {
        try await retry.run {
            switch try await call({ try await client.getAuditLog(query: .init(after: after, limit: limit)) }) {
            case .ok(let ok): return try ok.body.json.entries
            case .default(let status, let error): throw Self.error(status, try? error.body.json)
            }
        }
    }

    /// Runs a call, turning transport failures into `GatewayAdminError.transport`.
    private func call<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ClientError {
            throw GatewayAdminError.transport(String(describing: error.underlyingError))
        }
    }

    static func error(_ status: Int, _ body: Components.Schemas.ErrorResponse?) -> GatewayAdminError {
        let code = body?.error.code ?? "http_\(status)"
        let message = body?.error.message ?? "HTTP \(status)"
        switch (status, code) {
        case (409, _): return .conflict(body?.error.conflicts ?? [])
        case (422, _): return .invalidChangeset(body?.error.problems ?? [])
        case (401, _): return .unauthorized(message)
        case (403, _): return .forbidden(message)
        default: return .failed(status: status, code: code, message: message)
        }
    }
}

/// Adds `Authorization: Bearer <token>` to every request.
struct BearerToken: ClientMiddleware {
    let token: String?

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        if let token { request.headerFields[.authorization] = "Bearer \(token)" }
        return try await next(request, body, baseURL)
    }
}
