import Logging
import NIOSSL
import Synchronization

/// A listener's certificate chain and private key, read from PEM files, and the TLS context
/// made from them. `reload()` reads the files again (on SIGHUP, ``CertificateReloader``): new
/// connections get the new certificate, open ones keep theirs, and files that do not load leave
/// the current certificate in place.
public final class TLSCertificates: Sendable {
    /// The PEM file of the certificate chain, the server's certificate first.
    public let certificateFile: String
    /// The PEM file of the private key.
    public let keyFile: String
    private let current: Mutex<NIOSSLContext>

    /// Reads both files; throws when either does not load or they do not make a context.
    public init(certificateFile: String, keyFile: String) throws {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        current = Mutex(try Self.context(certificateFile: certificateFile, keyFile: keyFile))
    }

    /// The context new connections are set up with.
    var context: NIOSSLContext { current.withLock { $0 } }

    /// Reads the files again and, when they load, serves their certificate to new connections.
    public func reload() throws {
        let loaded = try Self.context(certificateFile: certificateFile, keyFile: keyFile)
        current.withLock { $0 = loaded }
    }

    private static func context(certificateFile: String, keyFile: String) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw TLSFilesError(file: certificateFile, reason: "not a PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw TLSFilesError(file: certificateFile, reason: "holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw TLSFilesError(file: keyFile, reason: "not a PEM private key (\(error))")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFilesError(
                file: keyFile, reason: "does not match the certificate in \(certificateFile) (\(error))")
        }
    }
}

/// A certificate or key file that cannot be served. Names the file, never its contents.
public struct TLSFilesError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public var description: String { "\(file): \(reason)" }
}
