/// Whether a team pays for gateway usage; some policies reserve BYOK for paid tiers.
public enum Tier: String, Sendable, Hashable, CaseIterable, Codable {
    case free
    case paid
}

/// How long the gateway and its upstreams may keep prompts and completions.
public enum DataRetention: String, Sendable, Hashable, CaseIterable, Codable {
    /// Providers may retain data under their usual terms.
    case standard
    /// Zero data retention: only providers that honour ZDR may serve, and the gateway keeps counts only.
    case zero
}

/// The wire protocol and authentication an upstream speaks.
public enum ProviderType: String, Sendable, Hashable, CaseIterable, Codable {
    case openai
    case anthropic
    case azureOpenAI = "azure-openai"
    case openaiCompatible = "openai-compatible"
    /// In-process and deterministic: for demos and tests, never leaves the gateway.
    case mock
}

/// The window a budget's spend is counted over.
public enum BudgetPeriod: String, Sendable, Hashable, CaseIterable, Codable {
    case daily
    case weekly
    case monthly
    /// Never resets.
    case total
}
