import AsyncHTTPClient
import Foundation
import TestSupport

/// A gatewayd process serving a fresh state on a loopback ephemeral port, in a scratch copy of
/// examples/acme, with the admin token `--init` wrote.
struct LiveGatewayd {
    let directory: URL
    let server: RunningProcess
    let url: String
    let token: String

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
    /// (`ApplyCommandTests.workspace()`), then stops it.
    static func with(_ body: (LiveGatewayd) async throws -> Void) async throws {
        let directory = try ApplyCommandTests().workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let portFile = directory.appendingPathComponent("port").path
        let server = try BuiltProduct("gatewayd").start(
            [
                "serve", "--state", directory.appendingPathComponent("gw/state.db").path, "--port", "0", "--init",
                "--port-file", portFile,
            ], directory: directory)
        defer { server.terminate() }
        let port = try server.waitForFile(portFile)
        let token = try String(contentsOfFile: directory.appendingPathComponent("gw/admin-token").path, encoding: .utf8)
        try await body(
            LiveGatewayd(directory: directory, server: server, url: "http://127.0.0.1:\(port)", token: token))
    }
}
