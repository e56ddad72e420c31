/// The identity and bookkeeping every top-level resource carries.
public struct ResourceMetadata: Sendable, Hashable, Codable {
    /// Unique per kind; a DNS label (`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`).
    public var name: String
    public var labels: [String: String]
    /// A plan refuses to delete a protected resource.
    public var protected: Bool

    public init(name: String, labels: [String: String] = [:], protected: Bool = false) {
        self.name = name
        self.labels = labels
        self.protected = protected
    }
}
