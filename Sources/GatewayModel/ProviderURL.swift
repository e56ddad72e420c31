/// What a provider's `baseURL` may be: an `http://` or `https://` URL with a host and no
/// `user:password@` (a secret there would be stored, planned and exported as plain text; it goes
/// in the provider's `secret`).
public enum ProviderURL {
    /// An `http://` or `https://` URL's parts: whether it is `https`, its authority (host and
    /// port, and any `user:password@`) and what follows (path, query, fragment); nil for any
    /// other scheme.
    public static func split(_ text: String) -> (tls: Bool, authority: Substring, rest: Substring)? {
        let afterScheme: Substring
        let tls: Bool
        if text.hasPrefix("https://") {
            (tls, afterScheme) = (true, text.dropFirst(8))
        } else if text.hasPrefix("http://") {
            (tls, afterScheme) = (false, text.dropFirst(7))
        } else {
            return nil
        }
        let authority = authority(of: afterScheme)
        return (tls, authority, afterScheme[authority.endIndex...])
    }

    public static func isAcceptable(_ text: String) -> Bool {
        guard let (_, authority, _) = split(text) else { return false }
        return !authority.isEmpty && !authority.contains("@") && !text.contains { $0.isWhitespace }
    }

    /// `text` with a `user:password@` replaced by `***@`, for messages that repeat a URL (of any
    /// scheme: the URL being reported may be one that is refused for its scheme).
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
