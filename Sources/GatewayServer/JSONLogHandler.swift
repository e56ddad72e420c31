import Foundation
import GatewayModel
import Logging

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
        var fields: [String: String] = [
            "ts": Timestamp.now.description, "level": event.level.rawValue, "label": label,
            "msg": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = "\(value)"
        }
        let ordered =
            ["ts", "level", "label", "msg"]
            + fields.keys.filter { !["ts", "level", "label", "msg"].contains($0) }.sorted()
        var line = "{"
        for (index, key) in ordered.enumerated() {
            guard let value = fields[key] else { continue }
            if index > 0 { line += "," }
            line += Self.quote(key) + ":" + Self.quote(value)
        }
        line += "}\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func quote(_ text: String) -> String { JSONText.quoted(text) }
}
