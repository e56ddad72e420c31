import AsyncHTTPClient
import Foundation
import GatewayServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// With an admin listener of its own, the data plane's listener answers no admin path and the
/// admin listener no data-plane path; `/healthz` is on both, for the load balancers.
@Suite("Listeners")
struct ListenerTests {
    @Test func eachRoleAnswersOnlyItsOwnPaths() async throws {
        let (fixture, key) = try await HostileRequestTests.prepared()
        defer { fixture.cleanup() }
        func router(_ role: ListenerRole) throws -> GatewayRouter {
            try GatewayApplication.router(
                store: fixture.store, tokens: fixture.tokens, configuration: .init(maxBodyBytes: 1 << 20),
                logger: fixture.logger, serving: role)
        }
        let client: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
        let reader: HTTPFields = [.authorization: "Bearer \(GatewayFixture.readerToken)"]
        let chat = ByteBuffer(string: #"{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}"#)

        try await Application(router: try router(.dataPlane)).test(.router) { http in
            try await http.execute(uri: "/v1/chat/completions", method: .post, headers: client, body: chat) {
                #expect($0.status == .ok)
            }
            try await http.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            for path in ["/admin/v1/state", "/metrics", "/admin/v1/teams/payments"] {
                try await http.execute(uri: path, method: .get, headers: reader) { response in
                    #expect(response.status == .notFound, "\(path) is not on the data plane's listener")
                    #expect(HostileRequestTests.code(response.body) == "not_found")
                }
            }
        }
        try await Application(router: try router(.admin)).test(.router) { http in
            for path in ["/admin/v1/state", "/metrics", "/healthz"] {
                try await http.execute(uri: path, method: .get, headers: reader) {
                    #expect($0.status == .ok, "\(path)")
                }
            }
            try await http.execute(uri: "/v1/chat/completions", method: .post, headers: client, body: chat) {
                #expect($0.status == .notFound, "the data plane is not on the admin listener")
            }
            try await http.execute(uri: "/v1/models", method: .get, headers: client) { #expect($0.status == .notFound) }
        }
    }

    @Test func gatewaydServesTheAdminAPIOnItsOwnPort() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatewayd-listeners-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataFile = directory.appendingPathComponent("port").path
        let adminFile = directory.appendingPathComponent("admin-port").path
        let server = try BuiltProduct("gatewayd").start(
            [
                "serve", "--init", "--port", "0", "--port-file", dataFile, "--admin-port", "0", "--admin-port-file",
                adminFile,
            ], directory: directory)
        let dataPort = try server.waitForFile(dataFile)
        let adminPort = try server.waitForFile(adminFile)
        #expect(dataPort != adminPort)
        let token = try String(
            contentsOf: directory.appendingPathComponent(".gateway/admin-token"), encoding: .utf8)
        func status(_ port: String, _ path: String) async throws -> UInt {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            return try await HTTPClient.shared.execute(request, timeout: .seconds(5)).status.code
        }
        #expect(try await status(adminPort, "/admin/v1/state") == 200)
        #expect(try await status(adminPort, "/metrics") == 200)
        #expect(try await status(dataPort, "/admin/v1/state") == 404)
        #expect(try await status(dataPort, "/metrics") == 404)
        #expect(try await status(dataPort, "/healthz") == 200)
        #expect(try await status(adminPort, "/v1/models") == 404)
        #expect(server.terminate() == 0)
        #expect(server.output.contains(#""serves":"admin""#))
    }
}
