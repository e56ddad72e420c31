import Foundation

/// Paths inside this repository, found from this file's location so tests run from any directory.
public enum PackageRoot {
    /// The repository root (where Package.swift is).
    public static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// An absolute path for a repository-relative one.
    public static func path(_ relative: String) -> String {
        url.appendingPathComponent(relative).path
    }

    /// The repository-relative paths of the files in `directory` ending in `suffix`, sorted.
    public static func files(in directory: String, suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path(directory))) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { "\(directory)/\($0)" }
    }

    /// The contents of a repository file.
    public static func read(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }
}

/// Golden files: expected output committed beside its input. Run the tests with
/// `GWCTL_UPDATE_GOLDENS=1` to rewrite them after an intended change, then review the diff.
public enum Golden {
    public static var updating: Bool { ProcessInfo.processInfo.environment["GWCTL_UPDATE_GOLDENS"] == "1" }

    /// The committed golden text, after rewriting it with `actual` when updating.
    public static func expected(_ relative: String, actual: String) throws -> String {
        if updating {
            try actual.write(toFile: PackageRoot.path(relative), atomically: true, encoding: .utf8)
        }
        return try PackageRoot.read(relative)
    }
}
