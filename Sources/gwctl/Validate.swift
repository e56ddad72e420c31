import ArgumentParser
import Foundation
import GwctlCore
import ManifestKit

/// `gwctl validate PATH...`: every manifest error at once, compiler-style; exit 1 on any error.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check manifests without contacting a gateway.",
        discussion: """
            Reads *.yaml and *.yml files under each PATH (directories recursively) and reports every \
            problem as file:line:col: error: message. Exits 0 when the manifests are valid (warnings \
            allowed) and 1 when any error was found.
            """
    )

    @Argument(help: "Manifest files or directories.")
    var paths: [String]

    @Option(help: "Output format: text (compiler-style, on stderr) or json (on stdout).")
    var format: DiagnosticFormat = .text

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one manifest file or directory") }
    }

    func run() throws {
        var manifests = ManifestLoader().load(paths: paths)
        ManifestLint.lint(&manifests)
        switch format {
        case .text:
            let colored = Terminal.supportsColor(fileDescriptor: STDERR_FILENO)
            Terminal.write(DiagnosticRenderer.text(manifests.diagnostics, colored: colored), to: .standardError)
            if manifests.isValid {
                print(
                    "valid: \(manifests.summary) in \(manifests.files.count) \(manifests.files.count == 1 ? "file" : "files"); \(DiagnosticRenderer.summary(manifests.diagnostics))"
                )
            } else {
                Terminal.write("invalid: \(DiagnosticRenderer.summary(manifests.diagnostics))\n", to: .standardError)
            }
        case .json:
            print(
                DiagnosticRenderer.json(manifests.diagnostics, extra: [("files", .integer(manifests.files.count))]),
                terminator: "")
        }
        // Exit here rather than return: freeing a 100k-key tree node by node costs a third of a
        // second that the operating system does for free when the process ends.
        Terminal.flushAndExit(manifests.isValid ? 0 : 1)
    }
}

/// How `validate` prints diagnostics.
enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
