import Foundation
import GatewayModel
import Logging

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
        // One line per served request: built in one string, in a fixed order, then one write.
        var line = "{"
        line.reserveCapacity(160 + fields.count * 32)
        func append(_ key: String, _ value: String, first: Bool = false) {
            if !first { line += "," }
            JSONText.appendQuoted(key, to: &line)
            line += ":"
            JSONText.appendQuoted(value, to: &line)
        }
        append("ts", fields["ts"].map(Self.text) ?? Timestamp.now.description, first: true)
        append("level", fields["level"].map(Self.text) ?? event.level.rawValue)
        append("label", fields["label"].map(Self.text) ?? label)
        append("msg", fields["msg"].map(Self.text) ?? event.message.description)
        for key in fields.keys.sorted() where !Self.leading.contains(key) {
            if let value = fields[key] { append(key, Self.text(value)) }
        }
        line += "}\n"
        line.withUTF8 { bytes in
            var remaining = UnsafeRawBufferPointer(bytes)
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
