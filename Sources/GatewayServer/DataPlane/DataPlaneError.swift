import Foundation
import GatewayCore
import GatewayModel
import HTTPTypes
import Hummingbird

/// A refusal as a data-plane response, in the shape the client's SDK parses: OpenAI's
/// `{"error": {message, type, param, code}}` or, on `/v1/messages`, Anthropic's
/// `{"type": "error", "error": {type, message}}`. Both carry our stable `code` and a `gateway`
/// object naming the request, team, key, layer, rule and a hint.
struct DataPlaneError {
    var refusal: Refusal
    var requestID: String
    var team: String?
    var key: String?
    var format: ChatFormat

    func response() -> Response {
        var gateway: JSONObject = [
            "requestId": .string(requestID), "layer": .string(refusal.layer.rawValue),
            "code": .string(refusal.code.rawValue),
        ]
        if let team { gateway["team"] = .string(team) }
        if let key { gateway["key"] = .string(key) }
        if let rule = refusal.rule { gateway["rule"] = .string(rule) }
        if let hint = refusal.hint { gateway["hint"] = .string(hint) }
        let body: JSON
        switch format {
        case .openAI, .responses:
            body = .object([
                "error": .object([
                    "message": .string(refusal.message), "type": .string(openAIType), "param": .null,
                    "code": .string(refusal.code.rawValue), "gateway": .object(gateway),
                ])
            ])
        case .anthropic:
            body = .object([
                "type": "error",
                "error": .object([
                    "type": .string(anthropicType), "message": .string(refusal.message),
                    "code": .string(refusal.code.rawValue), "gateway": .object(gateway),
                ]),
                "request_id": .string(requestID),
            ])
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[DataPlaneHeaders.requestID] = requestID
        if format == .anthropic { headers[DataPlaneHeaders.anthropicRequestID] = requestID }
        if let retryAfter = refusal.retryAfterSeconds { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: HTTPResponse.Status(code: refusal.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: body.encoded())))
    }

    private var openAIType: String {
        switch refusal.status {
        case 400: return "invalid_request_error"
        case 401: return "authentication_error"
        case 402: return "insufficient_quota"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 429: return "rate_limit_error"
        default: return "api_error"
        }
    }

    private var anthropicType: String {
        switch refusal.status {
        case 400: return "invalid_request_error"
        case 401: return "authentication_error"
        case 402: return "billing_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 429: return "rate_limit_error"
        case 504: return "timeout_error"
        default: return "api_error"
        }
    }
}

/// Header names of the data plane.
enum DataPlaneHeaders {
    static let requestID = HTTPField.Name("x-request-id")!
    static let anthropicRequestID = HTTPField.Name("request-id")!
    static let apiKey = HTTPField.Name("x-api-key")!
    static let anthropicVersion = HTTPField.Name("anthropic-version")!
    /// A provider key passed with one request (per-request BYOK), when the policy allows it.
    static let providerKey = HTTPField.Name("x-gateway-provider-key")!
    /// Which provider and credential served: for callers debugging routing.
    static let servedBy = HTTPField.Name("x-gateway-provider")!
    static let credential = HTTPField.Name("x-gateway-credential")!
}
