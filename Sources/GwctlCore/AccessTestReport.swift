import GatewayModel
import ManifestKit
import PolicyAudit

/// Access tests as diagnostics at the test's manifest position (for `validate`, `plan` and
/// `apply`, which refuse on a failure) and as a report (for `gwctl test`).
public enum AccessTestReport {
    /// One error per failed test, at its `expect`, with each failure and its decision trace as notes.
    public static func diagnostics(
        for manifests: ManifestSet, results: [AccessTestResult]
    ) -> [Diagnostic] {
        results.filter { !$0.passed }.map { result in
            let document = manifests.document(.accessTest, named: result.test)
            let location =
                document.map { $0.keyLocation("expect", in: $0.node["spec"]) } ?? SourceLocation(file: "manifests")
            var notes: [Diagnostic.Note] = []
            for failure in result.failures {
                notes.append(.init(describe(failure), at: location))
                for line in failure.explanation.map(ExplanationText.steps) ?? [] {
                    notes.append(.init("  " + line, at: location))
                }
            }
            if result.failureCount > result.failures.count {
                notes.append(.init("and \(result.failureCount - result.failures.count) more failures", at: location))
            }
            return Diagnostic(
                .error, .accessTestFailed, at: location,
                "access test '\(result.test)' failed: \(result.failureCount) of \(result.checked) checks",
                notes: notes)
        }
    }

    /// `gwctl test` output: one line per test, failures with their traces, then a summary.
    public static func text(_ results: [AccessTestResult], target: String) -> String {
        var out = "Access tests against \(target):\n"
        for result in results {
            if result.passed {
                out += "  PASS  \(result.test) (\(result.checked) checked)\n"
                continue
            }
            out += "  FAIL  \(result.test): \(result.failureCount) of \(result.checked) checks failed\n"
            for failure in result.failures {
                out += "        \(describe(failure))\n"
                for line in failure.explanation.map(ExplanationText.steps) ?? [] { out += "            \(line)\n" }
            }
            if result.failureCount > result.failures.count {
                out += "        and \(result.failureCount - result.failures.count) more\n"
            }
        }
        let failed = results.count { !$0.passed }
        out += "\n\(results.count - failed) passed, \(failed) failed.\n"
        return out
    }

    static func describe(_ failure: AccessTestFailure) -> String {
        var subject = ""
        if let key = failure.key { subject += "key \(key)" }
        if let model = failure.model { subject += (subject.isEmpty ? "" : " ") + "asking for \(model)" }
        return subject.isEmpty ? failure.message : "\(subject): \(failure.message)"
    }
}
