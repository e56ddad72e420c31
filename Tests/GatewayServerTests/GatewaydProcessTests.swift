import AdminAPI
import Foundation
import GatewayModel
import GatewayStore
import ReleaseInfo
import TestSupport
import Testing

/// The gatewayd binary as an operator runs it, on a loopback ephemeral port.
@Suite("gatewayd process")
struct GatewaydProcessTests {
    let gatewayd = BuiltProduct("gatewayd")

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gatewayd-proc-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func refusesToStartWithoutAMasterKey() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try gatewayd.start(["serve", "--port", "0"], directory: directory)
        let status = server.waitForExit()
        #expect(status == 2)
        #expect(server.output.contains("no master key"))
        #expect(server.output.contains("--init"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".gateway/master.key").path))
    }

    @Test func initServesStopsOnSigtermAndRotatesTheMasterKey() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let portFile = directory.appendingPathComponent("port").path
        var server = try gatewayd.start(
            ["serve", "--port", "0", "--init", "--port-file", portFile], directory: directory)
        let port = try server.waitForFile(portFile)
        let state = directory.appendingPathComponent(".gateway")
        let keyMode =
            try FileManager.default.attributesOfItem(atPath: state.appendingPathComponent("master.key").path)[
                .posixPermissions] as? Int
        #expect(keyMode == 0o600)
        let token = try String(contentsOf: state.appendingPathComponent("admin-token"), encoding: .utf8)
        let admin = AdminClient(serverURL: URL(string: "http://127.0.0.1:\(port)")!, token: token)
        _ = try await admin.apply(
            Changeset(operations: [
                ChangeOperation(
                    op: .create, target: .provider("openai"),
                    payload: .provider(
                        ProviderRecord(
                            metadata: ResourceMetadata(name: "openai"), type: .openai,
                            baseURL: "https://api.openai.com/v1")),
                    secret: "sk-rotate-me-0001")
            ]))
        #expect(server.terminate() == 0)
        #expect(server.output.contains(#""msg":"stopped""#))
        #expect(!server.output.contains(token))

        let rotation = try await gatewayd.run([
            "rotate-master-key", "--state", state.appendingPathComponent("state.db").path,
        ])
        #expect(rotation.status == 0, "\(rotation.stderr)")
        #expect(rotation.stdout.contains("resealed 1 secrets"))

        // After rotation the key file holds one new key, and the secret still opens with it alone.
        let files = StateFiles(statePath: state.appendingPathComponent("state.db").path)
        let (keyring, _) = try files.keyring(environment: [:], create: false)
        #expect(keyring.keys.count == 1)
        let store = try SQLiteGatewayStore(path: files.statePath, keyring: keyring)
        #expect(try await store.secret(of: .provider("openai")) == "sk-rotate-me-0001")

        try? FileManager.default.removeItem(atPath: portFile)
        server = try gatewayd.start(["serve", "--port", "0", "--port-file", portFile], directory: directory)
        let secondPort = try server.waitForFile(portFile)
        let again = AdminClient(serverURL: URL(string: "http://127.0.0.1:\(secondPort)")!, token: token)
        #expect(try await again.state().providers.map(\.metadata.name) == ["openai"])
        #expect(server.terminate() == 0)
    }
    @Test func initCreatesTheKeyAndATokenOnceAndServeUsesThem() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let etc = directory.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        let files = [
            "--state", directory.appendingPathComponent("lib/state.db").path,
            "--master-key", etc.appendingPathComponent("master.key").path,
            "--tokens", etc.appendingPathComponent("admin-tokens").path,
        ]
        let first = try await gatewayd.run(["init"] + files)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("created the master key"))
        #expect(first.stdout.contains("created a writer admin token"))
        for name in ["master.key", "admin-tokens", "admin-token"] {
            let mode =
                try FileManager.default.attributesOfItem(atPath: etc.appendingPathComponent(name).path)[
                    .posixPermissions] as? Int
            #expect(mode == 0o600, "\(name)")
        }
        let key = try String(contentsOf: etc.appendingPathComponent("master.key"), encoding: .utf8)
        let token = try String(contentsOf: etc.appendingPathComponent("admin-token"), encoding: .utf8)
        // init writes the key and tokens only; the state is created by the first serve or apply.
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("lib/state.db").path))

        let second = try await gatewayd.run(["init"] + files)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!second.stdout.contains("created"))
        #expect(try String(contentsOf: etc.appendingPathComponent("master.key"), encoding: .utf8) == key)
        #expect(try String(contentsOf: etc.appendingPathComponent("admin-token"), encoding: .utf8) == token)

        let portFile = directory.appendingPathComponent("port").path
        let server = try gatewayd.start(
            ["serve", "--port", "0", "--port-file", portFile] + files, directory: directory)
        let port = try server.waitForFile(portFile)
        let admin = AdminClient(serverURL: URL(string: "http://127.0.0.1:\(port)")!, token: token)
        #expect(try await admin.state().providers.isEmpty)
        #expect(server.terminate() == 0)
        #expect(!server.output.contains(token))
    }

    @Test func versionNamesTheReleaseAndTheCommit() async throws {
        for product in ["gatewayd", "gwctl"] {
            let result = try await BuiltProduct(product).run(["--version"])
            #expect(result.status == 0)
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == Release.description)
            #expect(Release.description.hasPrefix(Release.version + " (commit "))
        }
    }
}
