import AdminAPI
import AsyncHTTPClient
import Foundation
import TestSupport

/// A gatewayd process serving a fresh state (SQLite in `gw/`, or a PostgreSQL database) on a
/// loopback ephemeral port, in a scratch copy of examples/acme, with the admin token `--init` wrote.
struct LiveGatewayd {
    let directory: URL
    let server: RunningProcess
    let url: String
    let token: String

    /// An admin client for this gatewayd.
    var admin: AdminClient { AdminClient(serverURL: URL(string: url)!, token: token) }

    /// The acme secrets, with gwctl pointed at `gateway` (default: this gatewayd) and holding its token.
    func gwctlEnvironment(through gateway: String? = nil) -> [String: String] {
        var environment = ApplyCommandTests.secretValues
        environment["GWCTL_GATEWAY"] = gateway ?? url
        environment["GWCTL_TOKEN"] = token
        return environment
    }

    /// Whether `secret` authenticates at the data plane (asked directly, not through the proxy).
    /// A suspended team's key authenticates and is then refused with 403, so only 401 means no.
    func accepts(_ secret: String) async throws -> Bool {
        var request = HTTPClientRequest(url: url + "/v1/models")
        request.headers.add(name: "authorization", value: "Bearer \(secret)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.status.code != 401
    }

    /// Runs `body` with a gatewayd started with `--init` on a scratch copy of examples/acme
    /// (`ApplyCommandTests.workspace()`), then stops it. With `postgres` (a database URL) the state
    /// is there and `--init` writes the token to `.gateway/`; otherwise both are in `gw/`.
    static func with(postgres: String? = nil, _ body: (LiveGatewayd) async throws -> Void) async throws {
        let directory = try ApplyCommandTests().workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let portFile = directory.appendingPathComponent("port").path
        let state = postgres ?? directory.appendingPathComponent("gw/state.db").path
        let server = try BuiltProduct("gatewayd").start(
            ["serve", "--state", state, "--port", "0", "--init", "--port-file", portFile], directory: directory)
        defer { server.terminate() }
        let port = try server.waitForFile(portFile)
        let tokenFile = directory.appendingPathComponent(postgres == nil ? "gw/admin-token" : ".gateway/admin-token")
        let token = try String(contentsOf: tokenFile, encoding: .utf8)
        try await body(
            LiveGatewayd(directory: directory, server: server, url: "http://127.0.0.1:\(port)", token: token))
    }
}
