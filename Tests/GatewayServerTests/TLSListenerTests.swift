import AsyncHTTPClient
import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import TestSupport
import Testing
import X509

/// gatewayd serving TLS from certificate files, and reading them again on SIGHUP: connections
/// opened after the signal get the new certificate; files that do not load leave the old one.
@Suite("TLS listeners")
struct TLSListenerTests {
    /// A self-signed certificate for 127.0.0.1 and its key, as PEM.
    static func selfSigned(_ name: String) throws -> (certificate: String, key: String) {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(name) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-60), notValidAfter: now.addingTimeInterval(3600),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            }, issuerPrivateKey: .init(key))
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    /// The status of `GET /healthz` over TLS trusting only `certificate`; nil when the handshake fails.
    static func health(port: String, trusting certificate: String) async -> UInt? {
        var tls = TLSConfiguration.makeClientConfiguration()
        guard let trusted = try? NIOSSLCertificate.fromPEMBytes(Array(certificate.utf8)) else { return nil }
        tls.trustRoots = .certificates(trusted)
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        // A refused handshake is retried until the connect timeout; loopback needs far less.
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(5))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = client.shutdown() }
        let request = HTTPClientRequest(url: "https://127.0.0.1:\(port)/healthz")
        return try? await client.execute(request, timeout: .seconds(5)).status.code
    }

    @Test func servesTLSAndReloadsTheCertificateOnSIGHUP() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatewayd-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificateFile = directory.appendingPathComponent("tls.crt").path
        let keyFile = directory.appendingPathComponent("tls.key").path
        let first = try Self.selfSigned("first")
        try first.certificate.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try first.key.write(toFile: keyFile, atomically: true, encoding: .utf8)
        let portFile = directory.appendingPathComponent("port").path
        let server = try BuiltProduct("gatewayd").start(
            [
                "serve", "--init", "--port", "0", "--port-file", portFile, "--tls-certificate", certificateFile,
                "--tls-key", keyFile,
            ], directory: directory)
        defer { server.terminate() }
        let port = try server.waitForFile(portFile)
        #expect(await Self.health(port: port, trusting: first.certificate) == 200)

        let second = try Self.selfSigned("second")
        try second.certificate.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try second.key.write(toFile: keyFile, atomically: true, encoding: .utf8)
        #expect(await Self.health(port: port, trusting: second.certificate) == nil, "not until SIGHUP")
        kill(server.process.processIdentifier, SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while !server.output.contains("reloaded the TLS certificate"), Date() < deadline { usleep(20_000) }
        #expect(await Self.health(port: port, trusting: second.certificate) == 200)
        #expect(await Self.health(port: port, trusting: first.certificate) == nil)

        try "not a key".write(toFile: keyFile, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        let later = Date().addingTimeInterval(10)
        while !server.output.contains("cannot reload the TLS certificate"), Date() < later { usleep(20_000) }
        #expect(server.output.contains("cannot reload the TLS certificate"))
        #expect(
            await Self.health(port: port, trusting: second.certificate) == 200,
            "a bad file keeps the certificate served")
        #expect(!server.output.contains("BEGIN"), "no key or certificate material in the log")
    }

    @Test func aKeyThatDoesNotLoadStopsTheStart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatewayd-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificateFile = directory.appendingPathComponent("tls.crt").path
        let keyFile = directory.appendingPathComponent("tls.key").path
        try Self.selfSigned("only").certificate.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n".write(
            toFile: keyFile, atomically: true, encoding: .utf8)
        let server = try BuiltProduct("gatewayd").start(
            ["serve", "--init", "--port", "0", "--tls-certificate", certificateFile, "--tls-key", keyFile],
            directory: directory)
        #expect(server.waitForExit() == 2)
        #expect(server.output.contains("tls.key: not a PEM private key"))
    }
}
