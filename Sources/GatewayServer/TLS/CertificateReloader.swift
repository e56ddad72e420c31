import Logging
import ServiceLifecycle
import UnixSignals

/// Reads every listener's certificate and key files again on SIGHUP. A file that does not load
/// is logged and its listener keeps the certificate it has.
struct CertificateReloader: Service {
    let certificates: [TLSCertificates]
    let logger: Logger

    func run() async throws {
        guard !certificates.isEmpty else { return }
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            for certificate in certificates {
                do {
                    try certificate.reload()
                    logger.notice(
                        "reloaded the TLS certificate", metadata: ["file": .string(certificate.certificateFile)])
                } catch {
                    logger.error(
                        "cannot reload the TLS certificate; the listener keeps the one it has",
                        metadata: ["reason": "\(error)"])
                }
            }
        }
    }
}
