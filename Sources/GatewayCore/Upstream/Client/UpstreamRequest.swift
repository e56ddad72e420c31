import GatewayModel
import NIOCore
import NIOHTTP1

/// One HTTP/1.1 request to a provider, with its whole body.
public struct UpstreamRequest: Sendable {
    public var endpoint: UpstreamEndpoint
    /// The path and query, e.g. `/v1/chat/completions?api-version=2024-10-21`.
    public var target: String
    public var method: HTTPMethod
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    /// A request to an absolute `http` or `https` URL.
    public init(
        url: String, method: HTTPMethod = .POST, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()
    )
        throws(UpstreamClientError)
    {
        let (endpoint, target) = try UpstreamEndpoint.parse(url)
        self.endpoint = endpoint
        self.target = target
        self.method = method
        self.headers = headers
        self.body = body
    }

    /// The request head as sent: `Host` and `Content-Length` set by the client.
    var head: HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: headers)
        head.headers.replaceOrAdd(name: "host", value: endpoint.hostHeader)
        head.headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
        return head
    }
}

/// Where a request goes: scheme, host and port. Connections are pooled per endpoint.
public struct UpstreamEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var tls: Bool
    public var host: String
    public var port: Int

    public init(tls: Bool, host: String, port: Int) {
        self.tls = tls
        self.host = host
        self.port = port
    }

    /// The `Host` header: the port only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (tls ? 443 : 80) ? name : "\(name):\(port)"
    }

    public var description: String { "\(tls ? "https" : "http")://\(hostHeader)" }

    /// Splits an absolute URL into its endpoint and the request target (path and query).
    static func parse(_ url: String) throws(UpstreamClientError) -> (UpstreamEndpoint, String) {
        guard let (tls, authority, afterAuthority) = ProviderURL.split(url) else { throw .invalidURL(url) }
        var rest = afterAuthority
        // Credentials go in headers; a URL carrying them is refused without echoing it.
        guard !authority.contains("@") else { throw .credentialsInURL }
        var host = authority
        var port = tls ? 443 : 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL(url) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()), (1...65535).contains(value) else { throw .invalidURL(url) }
                port = value
            } else if !after.isEmpty {
                throw .invalidURL(url)
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let value = Int(authority[authority.index(after: colon)...]), (1...65535).contains(value) else {
                throw .invalidURL(url)
            }
            port = value
        }
        guard !host.isEmpty else { throw .invalidURL(url) }
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let target = rest.isEmpty ? "/" : rest.hasPrefix("?") ? "/" + rest : String(rest)
        return (UpstreamEndpoint(tls: tls, host: String(host), port: port), target)
    }
}

/// Why a request to a provider got no complete answer.
public enum UpstreamClientError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidURL(String)
    /// The URL has `user:password@`: refused, and not repeated in the error.
    case credentialsInURL
    /// No answer (for a streamed answer: no next part) before the deadline.
    case timeout
    case connectFailed(String)
    /// The connection closed before the answer was complete.
    case connectionClosed
    case bodyTooLarge(limit: Int)
    /// The answer is not valid HTTP/1.1, or the TLS handshake failed.
    case protocolError(String)
    case shutDown
    case cancelled

    public var description: String {
        switch self {
        case .invalidURL(let url): return "not an http(s) URL: \(url)"
        case .credentialsInURL: return "the provider URL holds user:password@; put the secret in `secret:` instead"
        case .timeout: return "no answer before the deadline"
        case .connectFailed(let reason): return "cannot connect: \(reason)"
        case .connectionClosed: return "the connection closed before the answer was complete"
        case .bodyTooLarge(let limit): return "the answer is larger than \(limit) bytes"
        case .protocolError(let reason): return reason
        case .shutDown: return "the client is shut down"
        case .cancelled: return "the request was cancelled"
        }
    }
}
