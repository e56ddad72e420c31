import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import MockUpstream
import NIOCore
import TestSupport
import Testing

/// The whole examples/acme flow with known secret values (apply, plan files, rotation, data-plane
/// requests right and wrong, explain, audit, export, diff, errors), then every byte it left behind
/// is scanned for them: outputs, gatewayd's log, plan files, exports, the SQLite files and a
/// PostgreSQL dump. The only place a secret may appear is the `--keys-out` file it was asked for.
@Suite("Secret scan")
struct SecretScanTests {
    static let rotatedBYOK = "az-e2e-legal-rotated-e4f1"

    /// Everything one flow produced, by name, and the secrets it knows of.
    struct Artifacts {
        var files: [String: Data] = [:]
        /// Data-plane answers by status: the flow must have served some requests and refused others.
        var statuses: [Int: Int] = [:]
        var secrets: [String] =
            ApplyCommandTests.secretValues.values.sorted() + [ApplyCommandTests.fileSecret, rotatedBYOK]

        mutating func add(_ name: String, _ result: BuiltProduct.Result) {
            files[name + ".stdout"] = Data(result.stdout.utf8)
            files[name + ".stderr"] = Data(result.stderr.utf8)
        }

        mutating func add(directory: URL, prefix: String) {
            let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
            while let url = walker?.nextObject() as? URL {
                if let data = try? Data(contentsOf: url), !url.hasDirectoryPath {
                    files[prefix + url.path.dropFirst(directory.path.count)] = data
                }
            }
        }

        /// Each secret found, with where.
        var leaks: [String] {
            files.flatMap { name, data in
                secrets.filter { data.range(of: Data($0.utf8)) != nil }.map { "\(name) holds \($0.prefix(8))…" }
            }
        }
    }

    /// The secret with its last character changed: close to a real key, and never equal to it.
    static func altered(_ secret: String) -> String {
        String(secret.dropLast()) + (secret.hasSuffix("x") ? "y" : "x")
    }

    /// Runs `body` with a mock upstream on loopback standing in for every provider of the copy of
    /// examples/acme in `directory`, so no request leaves the machine.
    static func withMockProviders(
        in directory: URL, _ body: @Sendable () async throws -> Artifacts
    ) async throws -> Artifacts {
        let upstream = MockUpstream()
        let app = Application(router: upstream.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            let mock = "http://127.0.0.1:\(try #require(client.port))"
            let providers = directory.appendingPathComponent("acme/providers.yaml")
            try String(contentsOf: providers, encoding: .utf8)
                .replacingOccurrences(of: "https://api.openai.com", with: mock)
                .replacingOccurrences(of: "https://api.anthropic.com", with: mock)
                .replacingOccurrences(of: "https://acme-eastus.openai.azure.com", with: mock)
                .write(to: providers, atomically: true, encoding: .utf8)
            return try await body()
        }
    }

    /// Runs the flow against `gateway`, working in its copy of examples/acme, with an OIDC issuer
    /// on loopback whose tokens authenticate a workload and a pipeline.
    static func flow(_ gateway: LiveGatewayd) async throws -> Artifacts {
        let issuer = try TestIssuer()
        return try await issuer.serveJWKS { jwksURL in
            try WorkloadIdentityApplyTests.issuerManifest(url: issuer.url, audience: issuer.audience, jwksURL: jwksURL)
                .write(
                    to: gateway.directory.appendingPathComponent("acme/issuer.yaml"), atomically: true,
                    encoding: .utf8)
            return try await flow(gateway, issuer: issuer)
        }
    }

    static func flow(_ gateway: LiveGatewayd, issuer: TestIssuer) async throws -> Artifacts {
        let (url, token, directory) = (gateway.url, gateway.token, gateway.directory)
        var artifacts = Artifacts()
        let environment = gateway.gwctlEnvironment()
        let gwctl = BuiltProduct("gwctl")
        func run(
            _ name: String, _ arguments: [String], _ env: [String: String]? = nil
        ) async throws -> BuiltProduct.Result {
            let result = try await gwctl.run(arguments, environment: env ?? environment, directory: directory)
            artifacts.add(name, result)
            return result
        }
        #expect(try await run("validate", ["validate", "acme"]).status == 0)
        #expect(try await run("plan", ["plan", "acme", "-out", "first.plan"]).status == 0)
        _ = try await run("plan-json", ["plan", "acme", "--json"])
        _ = try await run("plan-markdown", ["plan", "acme", "--markdown"])
        let apply = try await run("apply", ["apply", "first.plan", "--auto-approve", "--keys-out", "keys.json"])
        #expect(apply.status == 0, "\(apply.stderr)")
        var minted = try MintedKeysFile.read(directory.appendingPathComponent("keys.json"))
        #expect(minted.count == 8)

        // Rotation of a key and of a BYOK secret, through a saved plan.
        let payments = directory.appendingPathComponent("acme/teams/payments.yaml")
        let text = try String(contentsOf: payments, encoding: .utf8)
        try text.replacingOccurrences(
            of: "      rateLimit: {requestsPerMinute: 60}\n",
            with: "      rateLimit: {requestsPerMinute: 60}\n      rotation: 1\n"
        ).write(to: payments, atomically: true, encoding: .utf8)
        var rotated = environment
        rotated["LEGAL_AZURE_OPENAI_KEY"] = rotatedBYOK
        _ = try await run("plan-rotate", ["plan", "acme", "-out", "rotate.plan"], rotated)
        // Delivered twice: to the --keys-out file and through --keys-command, whose environment and
        // arguments are kept for the scan (only the file the command wrote may hold the secret).
        let command =
            #"cat > "delivered-$GWCTL_KEY_NAME.secret"; env > "command-$GWCTL_KEY_NAME.env"; echo "$0 $*" > command.args"#
        let rotate = try await run(
            "apply-rotate",
            ["apply", "rotate.plan", "--auto-approve", "--keys-out", "rotated.json", "--keys-command", command], rotated
        )
        #expect(rotate.status == 0, "\(rotate.stderr)")
        #expect(rotate.stdout.contains("Delivered 1 new key secret with --keys-command."))
        let fresh = try MintedKeysFile.read(directory.appendingPathComponent("rotated.json"))
        #expect(fresh.count == 1)
        let delivered = try String(
            contentsOf: directory.appendingPathComponent("delivered-checkout-backend.secret"), encoding: .utf8)
        #expect(fresh.values.first == delivered)
        // The command inherits gwctl's environment (provider secrets included, as any child would);
        // what it must never find there, or in its arguments, is a minted secret.
        let commandEnvironment = try String(
            contentsOf: directory.appendingPathComponent("command-checkout-backend.env"), encoding: .utf8)
        #expect(commandEnvironment.contains("GWCTL_KEY_NAME=checkout-backend"))
        for secret in Array(minted.values) + Array(fresh.values) { #expect(!commandEnvironment.contains(secret)) }
        artifacts.files["command.args"] = try Data(contentsOf: directory.appendingPathComponent("command.args"))
        // Retired secrets too: a rotated-out key must not linger anywhere either.
        artifacts.secrets += Array(minted.values) + Array(fresh.values) + [token]
        minted.merge(fresh) { $1 }

        // Requests: good keys for models they may and may not use, a wrong key, an admin token as a key.
        for (index, secret) in minted.values.sorted().enumerated() {
            for model in ["openai/gpt-5.4-mini", "anthropic/claude-sonnet-4.5", "nobody/none"] {
                var request = HTTPClientRequest(url: url + "/v1/chat/completions")
                request.method = .POST
                request.headers.add(name: "authorization", value: "Bearer \(secret)")
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(
                    ByteBuffer(string: #"{"model":"\#(model)","messages":[{"role":"user","content":"hi"}]}"#))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                artifacts.files["request-\(index)-\(model)"] = Data(
                    buffer: try await response.body.collect(upTo: 1 << 20))
                artifacts.statuses[Int(response.status.code), default: 0] += 1
            }
        }
        for (name, bearer) in [
            ("wrong-key", Self.altered(minted.values.sorted()[0])), ("admin-as-key", token),
        ] {
            var request = HTTPClientRequest(url: url + "/v1/models")
            request.headers.add(name: "authorization", value: "Bearer \(bearer)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status.code == 401)
            artifacts.files["request-\(name)"] = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        }

        // OIDC tokens: a workload's (served), a tampered one (refused), a pipeline's for the admin API.
        let workload = try issuer.token(issuer.claims(["repository": "acme/checkout", "environment": "production"]))
        let tampered = try TestIssuer.tampered(workload, claims: issuer.claims(["repository": "acme/checkout"]))
        let pipeline = try issuer.token(
            issuer.claims(["repository": "acme/gateway-config", "event_name": "pull_request", "sub": "pr-9"]))
        artifacts.secrets += [workload, tampered, pipeline]
        for (name, bearer, status) in [("oidc-workload", workload, 200), ("oidc-tampered", tampered, 401)] {
            var request = HTTPClientRequest(url: url + "/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "authorization", value: "Bearer \(bearer)")
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(
                ByteBuffer(string: #"{"model":"openai/gpt-5.4-mini","messages":[{"role":"user","content":"hi"}]}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(Int(response.status.code) == status, "\(name)")
            artifacts.files["request-\(name)"] = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        }
        try (pipeline + "\n").write(
            to: directory.appendingPathComponent("pipeline.jwt"), atomically: true, encoding: .utf8)
        var oidc = environment
        oidc["GWCTL_TOKEN"] = nil
        oidc["GWCTL_OIDC_TOKEN_FILE"] = directory.appendingPathComponent("pipeline.jwt").path
        #expect(try await run("plan-oidc", ["plan", "acme"], oidc).status == 0)
        #expect(try await run("apply-oidc-reader", ["apply", "acme", "--auto-approve"], oidc).status == 1)
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("pipeline.jwt"))

        #expect(artifacts.statuses[200, default: 0] > 0 && artifacts.statuses.keys.contains { $0 >= 400 })
        _ = try await run(
            "explain", ["explain", "--key", "payments/checkout-backend", "--model", "openai/gpt-5.4-mini"])
        _ = try await run(
            "explain-json", ["explain", "--key", "legal/contracts", "--model", "x/y", "--format", "json"])
        _ = try await run("audit", ["audit"])
        _ = try await run("audit-json", ["audit", "--format", "json"])
        #expect(try await run("export", ["export", "exported"]).status == 0)
        _ = try await run("diff", ["diff", "acme"], rotated)
        // Errors: an unset secret, a wrong token, a stale plan.
        var unset = rotated
        unset["PAYMENTS_AZURE_OPENAI_KEY"] = nil
        #expect(try await run("plan-unset", ["plan", "acme"], unset).status == 1)
        var wrongToken = rotated
        wrongToken["GWCTL_TOKEN"] = "gwadm_wrong"
        #expect(try await run("plan-unauthorized", ["plan", "acme"], wrongToken).status == 1)
        #expect(
            try await run(
                "apply-stale", ["apply", "first.plan", "--auto-approve", "--keys-out", "stale.json"], rotated
            )
            .status == 1)

        for name in ["first.plan", "rotate.plan"] {
            artifacts.files[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        artifacts.add(directory: directory.appendingPathComponent("exported"), prefix: "export")
        // The scan's control: the --keys-out file is where minted secrets belong, and it finds them there.
        var control = artifacts
        control.files = ["keys.json": try Data(contentsOf: directory.appendingPathComponent("keys.json"))]
        #expect(control.leaks.count == 8)
        return artifacts
    }

    @Test func theAcmeFlowLeavesNoSecretAnywhereOnSQLite() async throws {
        try await LiveGatewayd.with { gateway in
            var artifacts = try await Self.withMockProviders(in: gateway.directory) {
                try await Self.flow(gateway)
            }
            artifacts.files["gatewayd.log"] = Data(gateway.server.output.utf8)
            // The state: database, write-ahead log and shared memory, as they are on disk.
            for suffix in ["", "-wal", "-shm"] {
                let path = gateway.directory.appendingPathComponent("gw/state.db" + suffix)
                if let data = try? Data(contentsOf: path) { artifacts.files["state.db" + suffix] = data }
            }
            #expect(artifacts.files["state.db"] != nil)
            // The master key file is `<key-id>:<base64>`; the id is stored beside sealed secrets, the key never.
            let master = try String(
                contentsOf: gateway.directory.appendingPathComponent("gw/master.key"), encoding: .utf8)
            artifacts.secrets.append(
                String(try #require(master.split(separator: ":").last)).trimmingCharacters(in: .whitespacesAndNewlines))
            let leaks = artifacts.leaks
            #expect(leaks.isEmpty, "\(leaks)")
            print(
                "secret scan (SQLite): \(artifacts.secrets.count) secrets × \(artifacts.files.count) artifacts, data plane \(artifacts.statuses.sorted { $0.key < $1.key }) (\(artifacts.files.values.reduce(0) { $0 + $1.count }) bytes), \(leaks.count) hits"
            )
        }
    }

    @Test func theAcmeFlowLeavesNoSecretInAPostgreSQLDump() async throws {
        let database = try TestPostgres.freshDatabase()
        defer { TestPostgres.drop(database) }
        try await LiveGatewayd.with(postgres: database) { gateway in
            var artifacts = try await Self.withMockProviders(in: gateway.directory) { try await Self.flow(gateway) }
            artifacts.files["gatewayd.log"] = Data(gateway.server.output.utf8)
            let dump = try TestPostgres.dump(database)
            #expect(dump.contains("CREATE TABLE public.api_keys"))
            artifacts.files["pg_dump"] = Data(dump.utf8)
            let leaks = artifacts.leaks
            #expect(leaks.isEmpty, "\(leaks)")
            print(
                "secret scan (PostgreSQL): \(artifacts.secrets.count) secrets × \(artifacts.files.count) artifacts, \(leaks.count) hits"
            )
        }
    }
}
