/// Why a gwctl command stopped: the one error type its commands throw for a failure that is not
/// a usage error. gwctl prints it, and any other error a command throws, as `error: <message>`
/// on standard error and exits 1; the message says whether anything was changed.
public struct CommandFailure: Error, CustomStringConvertible, Equatable {
    /// The message, without the `error: ` prefix.
    public let message: String

    /// A failure saying `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
