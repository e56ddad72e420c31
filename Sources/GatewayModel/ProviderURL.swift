/// What a provider's `baseURL` may be: an `http://` or `https://` URL with a host and no
/// `user:password@` (a secret there would be stored, planned and exported as plain text; it goes
/// in the provider's `secret`).
public enum ProviderURL {
    public static func isAcceptable(_ text: String) -> Bool {
        let rest: Substring
        if text.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if text.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            return false
        }
        let authority = authority(of: rest)
        return !authority.isEmpty && !authority.contains("@") && !rest.contains { $0.isWhitespace }
    }

    /// `text` with a `user:password@` replaced by `***@`, for messages that repeat a URL.
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let authority = authority(of: text[scheme.upperBound...])
        guard let at = authority.lastIndex(of: "@") else { return text }
        return text[..<scheme.upperBound] + "***" + text[at...]
    }

    private static func authority(of rest: Substring) -> Substring {
        rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    }
}
