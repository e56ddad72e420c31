import Foundation

/// Finds manifest files: `*.yaml` and `*.yml` under the given paths, recursively, sorted, skipping
/// hidden entries; a path given explicitly is read whatever its extension.
enum ManifestFiles {
    static func discover(_ paths: [String]) -> (files: [String], diagnostics: [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        var seen: Set<String> = []
        let fileManager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(
                    .error(.fileUnreadable, at: SourceLocation(file: path), "no such file or directory"))
                continue
            }
            guard isDirectory.boolValue else {
                if seen.insert(canonical(path)).inserted { files.append(path) }
                continue
            }
            var found: [String] = []
            var visited: Set<String> = []
            walk(path, into: &found, visited: &visited)
            if found.isEmpty {
                diagnostics.append(
                    .error(.noManifests, at: SourceLocation(file: path), "no *.yaml or *.yml files in this directory"))
            }
            for file in found where seen.insert(canonical(file)).inserted {
                files.append(file)
            }
        }
        return (files, diagnostics)
    }

    /// Depth-first, entries sorted by name; follows a symlinked directory once (loops end there).
    private static func walk(_ directory: String, into found: inout [String], visited: inout Set<String>) {
        guard visited.insert(canonical(directory)).inserted else { return }
        let fileManager = FileManager.default
        guard let entries = try? fileManager.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + entry : directory + "/" + entry
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                walk(path, into: &found, visited: &visited)
            } else if entry.hasSuffix(".yaml") || entry.hasSuffix(".yml") {
                found.append(path)
            }
        }
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }
}
