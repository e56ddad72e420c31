import Foundation
import Synchronization

/// A PostgreSQL server for tests: `GWCTL_TEST_POSTGRES_URL` when set (scripts/test starts one),
/// else one this test process starts with scripts/postgres on first use and stops at exit.
/// Each test gets its own database, so tests run in parallel without seeing each other.
public enum TestPostgres {
    private static let started = Mutex<String?>(nil)
    /// Set once, under `started`'s lock, before the exit handler that reads it is registered.
    nonisolated(unsafe) private static var stopCommand: String?

    /// The server's URL (the `postgres` database).
    public static func serverURL() throws -> String {
        if let url = ProcessInfo.processInfo.environment["GWCTL_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        return try started.withLock { url in
            if let url { return url }
            let directory = "/tmp/gwctl-test-pg-\(getpid())"
            let output = try run(PackageRoot.url.appendingPathComponent("scripts/postgres").path, ["start", directory])
            guard let line = output.split(separator: "\n").last, line.hasPrefix("postgres://") else {
                throw TestPostgresError(message: "scripts/postgres did not print a URL:\n\(output)")
            }
            // Foundation's Process cannot run while the process exits; system(3) can.
            stopCommand = "'\(PackageRoot.url.appendingPathComponent("scripts/postgres").path)' stop '\(directory)'"
            atexit {
                guard let command = TestPostgres.stopCommand else { return }
                _ = system(command)
            }
            url = String(line)
            return String(line)
        }
    }

    /// A new, empty database on the server; returns its URL.
    public static func freshDatabase() throws -> String {
        let server = try serverURL()
        let name = "gwtest_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        _ = try run("/usr/bin/env", ["psql", server, "-v", "ON_ERROR_STOP=1", "-qc", "CREATE DATABASE \(name)"])
        guard var components = URLComponents(string: server) else {
            throw TestPostgresError(message: "unreadable server URL \(server)")
        }
        components.path = "/" + name
        return components.string ?? server
    }

    /// The database as `pg_dump` writes it: schema and every row, as plain SQL.
    public static func dump(_ databaseURL: String) throws -> String {
        try run("/usr/bin/env", ["pg_dump", "--no-owner", databaseURL])
    }

    /// Drops a database made by `freshDatabase` (best effort: connections may linger).
    public static func drop(_ databaseURL: String) {
        guard let server = try? serverURL(), let name = URLComponents(string: databaseURL)?.path.dropFirst() else {
            return
        }
        _ = try? run("/usr/bin/env", ["psql", server, "-qc", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }

    /// Runs a command through the shell and returns its output. popen(3) rather than Foundation's
    /// Process: waiting for a Process from a test's task can starve the two-thread cooperative pool.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let command =
            ([executable] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ") + " 2>&1"
        guard let pipe = popen(command, "r") else {
            throw TestPostgresError(message: "cannot run \(executable)")
        }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        let status = pclose(pipe)
        let text = String(decoding: output, as: UTF8.self)
        guard status == 0 else {
            throw TestPostgresError(message: "\(executable) \(arguments.joined(separator: " ")) failed:\n\(text)")
        }
        return text
    }
}

/// A PostgreSQL server of one test's own, which it may stop and start again (an outage):
/// scripts/postgres in a scratch directory, on a free loopback port.
public struct OwnPostgres: Sendable {
    let directory: String
    /// The server's `postgres` database.
    public let url: String

    private static var script: String { PackageRoot.url.appendingPathComponent("scripts/postgres").path }

    /// Starts a server; stop it with `stop()`.
    public static func start() throws -> OwnPostgres {
        let directory = "/tmp/gwctl-own-pg-\(UUID().uuidString.prefix(8))"
        let output = try TestPostgres.run(script, ["start", directory])
        guard let line = output.split(separator: "\n").last, line.hasPrefix("postgres://") else {
            throw TestPostgresError(message: "scripts/postgres did not print a URL:\n\(output)")
        }
        return OwnPostgres(directory: directory, url: String(line))
    }

    /// A new database on this server; returns its URL.
    public func database(_ name: String) throws -> String {
        _ = try TestPostgres.run(
            "/usr/bin/env", ["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", "CREATE DATABASE \(name)"])
        guard var components = URLComponents(string: url) else { throw TestPostgresError(message: "bad URL \(url)") }
        components.path = "/" + name
        return components.string ?? url
    }

    /// Stops the server (fast shutdown: sessions are ended), keeping its data.
    public func pause() throws { try TestPostgres.run(Self.script, ["pause", directory]) }

    /// Starts it again on the same port.
    public func resume() throws { try TestPostgres.run(Self.script, ["resume", directory]) }

    /// Stops it and removes its data.
    public func stop() { _ = try? TestPostgres.run(Self.script, ["stop", directory]) }
}

public struct TestPostgresError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
