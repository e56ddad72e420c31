import AdminAPI
import Foundation
import GatewayModel
import NIOCore
import StoreFixtures
import TestSupport
import Testing

/// A request body is read only for a caller the headers already identify, and the bodies held
/// at once are bounded: unauthenticated uploads cannot take gatewayd's memory (RELIABILITY.md,
/// "Connections under abuse").
@Suite("Request bodies under abuse")
struct BodyBudgetTests {
    static func residentMiB(_ pid: Int32) -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        return kilobytes / 1024
    }

    /// Waits up to `limit` for a complete response head on `connection`.
    static func head(_ connection: ConnectionLimitsTests.Closing, within limit: Duration) async throws -> String? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            let text = connection.received.withLock { String(buffer: $0) }
            if text.contains("\r\n\r\n") { return text }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test func bodiesWithoutACredentialAreRefusedBeforeTheyAreReadAndBodiesInFlightAreBounded() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatewayd-bodies-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let portFile = directory.appendingPathComponent("port").path
        let server = try BuiltProduct("gatewayd").start(
            [
                "serve", "--port", "0", "--init", "--port-file", portFile, "--max-body-bytes", "\(64 << 20)",
                "--max-body-bytes-in-flight", "\(128 << 20)", "--log-level", "warning",
            ], directory: directory)
        defer { server.terminate() }
        let port = Int(try server.waitForFile(portFile)) ?? 0
        let pid = server.process.processIdentifier
        let token = try String(contentsOf: directory.appendingPathComponent(".gateway/admin-token"), encoding: .utf8)
        let admin = AdminClient(serverURL: URL(string: "http://127.0.0.1:\(port)")!, token: token)
        let applied = try await admin.apply(
            Changeset(operations: [
                Sample.create(provider: Sample.provider()), Sample.create(team: Sample.team("payments")),
                Sample.create(key: Sample.key("payments", "checkout")),
            ]))
        let key = try #require(applied.results.last?.secret)
        let before = Self.residentMiB(pid)

        // 20 uploads of 60 MiB: half with no credential, half with a key that does not exist.
        let size = 60 << 20
        var uploads: [(any Channel, ConnectionLimitsTests.Closing)] = []
        for index in 0..<20 {
            let connection = try await ConnectionLimitsTests.connect(port: port)
            let credential = index % 2 == 0 ? "" : "Authorization: Bearer gw_no_such_key_\(index)\r\n"
            try await connection.0.writeAndFlush(
                ByteBuffer(
                    string:
                        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\(credential)Content-Type: application/json\r\nContent-Length: \(size)\r\n\r\n"
                )
            ).get()
            uploads.append(connection)
        }
        var refusedBeforeBody = 0
        for (_, connection) in uploads {
            if let head = try await Self.head(connection, within: .seconds(3)), head.hasPrefix("HTTP/1.1 401") {
                refusedBeforeBody += 1
            }
        }
        #expect(refusedBeforeBody == 20, "answered 401 before a byte of the body was sent")
        // The bodies are sent all the same; gatewayd discards them as they come.
        var peak = before
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<(size >> 20) {
            for (channel, _) in uploads where channel.isActive { try? await channel.writeAndFlush(chunk).get() }
            peak = max(peak, Self.residentMiB(pid))
        }
        for (channel, _) in uploads { try? await channel.close() }
        print(
            "bodies: 20 × 60 MiB without a credential: \(refusedBeforeBody) refused 401 before the body; "
                + "resident \(Int(before)) MiB before, \(Int(peak)) MiB at most while they were sent")
        #expect(peak - before < 64, "resident memory grew from \(before) to \(peak) MiB")

        // Authenticated bodies: 6 × 40 MiB declared against a 128 MiB budget; those past it are
        // refused 503 overloaded at once, before they are read.
        var declared: [(any Channel, ConnectionLimitsTests.Closing)] = []
        for _ in 0..<6 {
            let connection = try await ConnectionLimitsTests.connect(port: port)
            try await connection.0.writeAndFlush(
                ByteBuffer(
                    string:
                        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nContent-Type: application/json\r\nContent-Length: \(40 << 20)\r\n\r\n"
                )
            ).get()
            declared.append(connection)
        }
        try await Task.sleep(for: .milliseconds(500))
        let answers = declared.map { $0.1.received.withLock { String(buffer: $0) } }
        let overloaded = answers.filter { $0.hasPrefix("HTTP/1.1 503") && $0.contains("overloaded") }.count
        let waiting = answers.filter(\.isEmpty).count
        print(
            "bodies: 6 × 40 MiB declared with a key, budget 128 MiB: \(waiting) read, \(overloaded) refused 503 overloaded"
        )
        #expect(waiting == 3 && overloaded == 3, "\(answers.map { $0.prefix(40) })")
        #expect(answers.allSatisfy { $0.isEmpty || $0.lowercased().contains("retry-after: 1") })
        for (channel, _) in declared { try? await channel.close() }

        // The budget comes back when those connections go: a request is served again.
        try await Task.sleep(for: .milliseconds(300))
        let again = try await HostileRequestTests.exchange(
            Array(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nContent-Type: application/json\r\nContent-Length: 65\r\n\r\n{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                    .utf8), port: port)
        #expect(again.hasPrefix("HTTP/1.1 200"), "\(again.prefix(300))")
    }
}
