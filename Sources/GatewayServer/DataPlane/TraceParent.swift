import HTTPTypes

/// The W3C Trace Context `traceparent` header (`00-<trace id>-<parent id>-<flags>`). gatewayd
/// passes the client's header to the provider as sent (``ForwardedHeaders``) and writes the
/// trace id into the request's log line, so a trace and the gateway's log find each other.
enum TraceParent {
    static let name = HTTPField.Name("traceparent")!

    /// The trace id of a well-formed `traceparent`, nil for a missing or malformed one (which the
    /// W3C rules say to treat as absent).
    static func traceID(_ value: String?) -> String? {
        guard let value else { return nil }
        let bytes = Array(value.utf8)
        // version 2, trace id 32, parent id 16, flags 2, with three dashes; a later version may
        // append fields after another dash.
        guard bytes.count >= 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"),
            bytes[52] == UInt8(ascii: "-"), bytes.count == 55 || bytes[55] == UInt8(ascii: "-")
        else { return nil }
        func isHex(_ range: Range<Int>) -> Bool {
            bytes[range].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
        func isZero(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 == UInt8(ascii: "0") } }
        guard isHex(0..<2), isHex(3..<35), isHex(36..<52), isHex(53..<55),
            !value.utf8.prefix(2).elementsEqual("ff".utf8),
            !isZero(3..<35), !isZero(36..<52)
        else { return nil }
        if bytes.count > 55, value.utf8.prefix(2).elementsEqual("00".utf8) { return nil }
        return String(decoding: bytes[3..<35], as: UTF8.self)
    }
}
