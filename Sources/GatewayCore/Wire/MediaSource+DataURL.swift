/// Data URLs (OpenAI's inline images and files) and the media types Anthropic accepts.
extension MediaSource {
    /// The image types Anthropic accepts.
    static let anthropicImageTypes: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp"]

    /// An image or file URL as OpenAI sends it: `data:TYPE;base64,DATA` or an http(s) URL.
    static func fromURL(_ url: String, part: String) throws(Untranslatable) -> MediaSource {
        if url.hasPrefix("http://") || url.hasPrefix("https://") { return .url(url) }
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else {
            throw .invalid(part, "the URL is neither a data URL nor http(s)")
        }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else {
            throw .unsupported(part, "only base64 data URLs can be carried")
        }
        let mediaType = normalised(String(header.dropLast(7)))
        return .base64(mediaType: mediaType, data: String(url[url.index(after: comma)...]))
    }

    /// The data URL of inline bytes.
    var dataURL: String? {
        if case .base64(let mediaType, let data) = self { return "data:\(mediaType);base64,\(data)" }
        if case .url(let url) = self { return url }
        return nil
    }

    /// `image/jpg` is a common misspelling that Anthropic refuses.
    static func normalised(_ mediaType: String) -> String {
        let lowered = mediaType.lowercased()
        return lowered == "image/jpg" ? "image/jpeg" : lowered
    }

    /// An inline image checked for Anthropic: the type its bytes show (a declared type that
    /// disagrees with the bytes is what Anthropic refuses), which must be one Anthropic accepts.
    func checkedImage(part: String) throws(Untranslatable) -> MediaSource {
        guard case .base64(let declared, let data) = self else { return self }
        let sniffed = Self.sniffImageType(base64: data)
        guard let actual = sniffed ?? (Self.anthropicImageTypes.contains(declared) ? declared : nil) else {
            throw .unsupported(
                part, "an image of type \(declared) cannot be carried: the provider accepts png, jpeg, gif and webp")
        }
        return .base64(mediaType: actual, data: data)
    }

    /// The image type the first bytes show (PNG, JPEG, GIF, WebP), or nil.
    static func sniffImageType(base64: String) -> String? {
        guard let head = decodeBase64Prefix(base64, bytes: 12) else { return nil }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) {
            return "image/webp"
        }
        return nil
    }

    /// The first `bytes` bytes of base64 text, without decoding the rest.
    static func decodeBase64Prefix(_ text: String, bytes: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = character - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = character - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): return out
            default: return nil
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                if out.count == bytes { return out }
            }
        }
        return out
    }
}
