import ArgumentParser
import Foundation
import ManifestKit

extension Terminal {
    /// Diagnostics on standard error, coloured when it is a terminal.
    static func write(_ diagnostics: [Diagnostic]) {
        let colored = supportsColor(fileDescriptor: STDERR_FILENO)
        write(DiagnosticRenderer.text(diagnostics, colored: colored), to: .standardError)
    }

    /// Invalid manifests: every diagnostic, the summary naming what was not done, and exit 1.
    static func rejected(_ diagnostics: [Diagnostic], nothingWas done: String) -> ExitCode {
        write(diagnostics)
        write("invalid: \(DiagnosticRenderer.summary(diagnostics)); nothing was \(done)\n", to: .standardError)
        return ExitCode(1)
    }
}
