/// The client headers that reach a provider: its format's feature headers (`anthropic-beta`,
/// the client's own `anthropic-version`, `OpenAI-Beta`) and the idempotency and trace headers.
/// Everything else stays at the gateway: the client's credentials (`authorization`, `x-api-key`,
/// the per-request BYOK header), hop-by-hop headers, and headers that describe the client's body
/// rather than the one gatewayd sends.
public enum ForwardedHeaders {
    /// Headers sent to a provider of either format.
    static let common: Set<String> = ["idempotency-key", "traceparent", "tracestate"]
    /// Headers sent only to providers of one format.
    static let byFormat: [ChatFormat: Set<String>] = [
        .anthropic: ["anthropic-beta", "anthropic-version"],
        .openAI: ["openai-beta"],
    ]

    /// Whether gatewayd ever forwards a header of this (lowercased) name.
    public static func isForwardable(_ name: String) -> Bool {
        common.contains(name) || byFormat.values.contains { $0.contains(name) }
    }

    /// The headers of `headers` that go to a provider of `format`.
    static func select(
        _ headers: [(name: String, value: String)], toward format: ChatFormat
    ) -> [(
        name: String, value: String
    )] {
        let allowed = byFormat[format] ?? []
        return headers.filter { common.contains($0.name) || allowed.contains($0.name) }
    }
}
