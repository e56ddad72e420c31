import Foundation
import GatewayModel
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One JSON object per line on standard error: `{"ts","level","label","msg",…metadata}`.
///
/// Structured so log pipelines can filter on fields; nothing secret is ever logged, so no
/// redaction happens here: call sites log counts, names and prefixes, never bodies.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields: Logger.Metadata =
            metadata.isEmpty
            ? (event.metadata ?? [:]) : metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        var rest: [(key: String, value: String)] = []
        rest.reserveCapacity(fields.count)
        for key in fields.keys.sorted() where !Self.leading.contains(key) {
            if let value = fields[key] { rest.append((key, Self.text(value))) }
        }
        Self.emit(
            Self.line(
                ts: fields["ts"].map(Self.text) ?? LogTime.now(),
                level: fields["level"].map(Self.text) ?? event.level.rawValue,
                label: fields["label"].map(Self.text) ?? label,
                message: fields["msg"].map(Self.text) ?? "\(event.message)",
                fields: rest))
    }

    /// The handler behind `logger` when a line may be written straight through ``line(ts:level:label:message:fields:)``:
    /// `logger` is one of ours, at `level` or below, with no metadata of its own.
    static func direct(_ logger: Logger, at level: Logger.Level) -> JSONLogHandler? {
        guard logger.logLevel <= level, let handler = logger.handler as? JSONLogHandler, handler.metadata.isEmpty
        else { return nil }
        return handler
    }

    /// One line: `ts`, `level`, `label`, `msg`, then `fields` in the order given (``log(event:)``
    /// sorts them by key; the data plane's access line lists them sorted already). Built as bytes:
    /// appending thirty pieces to a `String` cost more than everything else in the line.
    static func line(
        ts: String, level: String, label: String, message: String, fields: [(key: String, value: String)]
    ) -> [UInt8] {
        var line: [UInt8] = [UInt8(ascii: "{")]
        line.reserveCapacity(192 + fields.count * 32)
        func append(_ key: String, _ value: String) {
            if line.count > 1 { line.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(key, to: &line)
            line.append(UInt8(ascii: ":"))
            JSONText.appendQuoted(value, to: &line)
        }
        append("ts", ts)
        append("level", level)
        append("label", label)
        append("msg", message)
        for (key, value) in fields { append(key, value) }
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    /// Writes `line` to standard error whole, so lines of concurrent requests never interleave.
    /// On an event loop the line joins the loop's ``LogBatch`` and goes out with the other lines of
    /// the same pass of the loop, in one `write`.
    static func emit(_ line: [UInt8]) {
        if LogBatch.append(line) { return }
        writeAll(line)
    }

    /// `bytes` to standard error, in as few `write` calls as the kernel allows.
    static func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { bytes in
            var remaining = bytes
            while !remaining.isEmpty {
                let written = write(2, remaining.baseAddress, remaining.count)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                remaining = UnsafeRawBufferPointer(rebasing: remaining[written...])
            }
        }
    }

    private static let leading: Set<String> = ["ts", "level", "label", "msg"]

    /// A metadata value as text; strings as they are, without the interpolation round trip.
    private static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        default: "\(value)"
        }
    }
}

/// The `ts` of log lines: the current second in RFC 3339, formatted once per second rather than
/// once per line (3% of the data plane's own time per request).
enum LogTime {
    private static let last = Mutex<(seconds: Int64, text: String)>((-1, ""))

    static func now() -> String {
        let now = Timestamp.now
        if let text = last.withLock({ $0.seconds == now.seconds ? $0.text : nil }) { return text }
        let text = now.description
        last.withLock { $0 = (now.seconds, text) }
        return text
    }
}
