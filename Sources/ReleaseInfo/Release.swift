/// Which build of gwctl and gatewayd this is, as `--version` prints it.
///
/// The values are the ones for a build from a clone; `scripts/package` writes the release's
/// version and commit here for the duration of a release build, so an installed binary names the
/// exact source it came from.
public enum Release {
    /// The release version (semantic versioning).
    public static let version = "0.1.0"
    /// The commit the binary was built from; "unknown" for a build that did not go through
    /// `scripts/package`.
    public static let commit = "unknown"

    /// `version (commit)`, the line `--version` prints.
    public static var description: String { "\(version) (commit \(commit))" }
}
