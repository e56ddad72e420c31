import GatewayModel
import NIOConcurrencyHelpers
import NIOCore

/// One attempt at one provider: what to send and with which credential.
public struct UpstreamCall: Sendable {
    /// What the client asked for, in the client's format.
    public enum Operation: Sendable {
        case chat(format: ChatFormat, body: JSON, stream: Bool, includeUsage: Bool)
        case embeddings(body: JSON)
    }

    public var provider: ProviderRecord
    public var candidate: RouteCandidate
    /// The provider secret; nil for the mock provider.
    public var secret: String?
    /// Provider-specific settings of a BYOK credential (e.g. `apiVersion` for Azure).
    public var options: [String: String]
    public var operation: Operation
    public var requestID: String
    /// How long the provider may take to answer.
    public var timeoutSeconds: Double
    /// The client's headers that may reach a provider (``ForwardedHeaders`` chooses by format).
    public var clientHeaders: [(name: String, value: String)]

    public init(
        provider: ProviderRecord, candidate: RouteCandidate, secret: String?, options: [String: String] = [:],
        operation: Operation, requestID: String, timeoutSeconds: Double,
        clientHeaders: [(name: String, value: String)] = []
    ) {
        self.clientHeaders = clientHeaders
        self.provider = provider
        self.candidate = candidate
        self.secret = secret
        self.options = options
        self.operation = operation
        self.requestID = requestID
        self.timeoutSeconds = timeoutSeconds
    }
}

/// What a provider answered, already in the client's format.
public enum UpstreamReply: Sendable {
    case complete(body: JSON, usage: TokenUsage)
    /// The provider's answer as it came, already in the client's format: passed on without
    /// encoding it again.
    case verbatim(body: ByteBuffer, usage: TokenUsage)
    /// Server-sent events for the client; `usage` holds the tokens once the stream has ended.
    case stream(AsyncThrowingStream<ServerSentEvent, any Error>, usage: UsageMeter)
}

/// Collects the usage a stream reports as it passes.
public final class UsageMeter: Sendable {
    private let box = NIOLockedValueBox(TokenUsage(input: 0, output: 0))

    public init() {}

    public var usage: TokenUsage { box.withLockedValue { $0 } }

    func record(_ parts: [StreamPart]) {
        for part in parts {
            switch part {
            case .start(_, _, let input?): box.withLockedValue { $0.input = input }
            case .usage(let usage): box.withLockedValue { $0 = usage }
            default: break
            }
        }
    }
}

/// Why an attempt failed. 5xx, timeouts and connection errors move on to the next candidate; a
/// 4xx is the request's own problem and ends the request.
public struct UpstreamFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case status(Int)
        case timeout
        case connection
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var isRetryable: Bool {
        switch kind {
        case .status(let status): return status >= 500 || status == 408
        case .timeout, .connection: return true
        }
    }

    public var description: String {
        switch kind {
        case .status(let status): return "HTTP \(status): \(message)"
        case .timeout: return "timed out: \(message)"
        case .connection: return "connection failed: \(message)"
        }
    }
}

/// Speaks one provider type's wire protocol.
public protocol ProviderAdapter: Sendable {
    func send(_ call: UpstreamCall) async throws -> UpstreamReply
}
