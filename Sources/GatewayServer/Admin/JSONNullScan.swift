/// Finds a JSON `null` outside string literals, in one pass over the bytes.
///
/// Swift's decoders read `null` as "absent" for optional fields, but the admin API's schema
/// allows no nulls; refusing them up front keeps the server exactly as strict as its spec.
enum JSONNullScan {
    /// The byte offset of the first `null` literal, or nil.
    static func firstNull<C: Collection>(in bytes: C) -> Int? where C.Element == UInt8, C.Index == Int {
        var inString = false
        var escaped = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "n"), index + 3 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "u"),
                bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l")
            {
                return index - bytes.startIndex
            }
            index += 1
        }
        return nil
    }
}
