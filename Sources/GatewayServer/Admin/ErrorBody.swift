import Foundation
import GatewayModel
import HTTPTypes
import Hummingbird

/// The JSON error body every admin failure uses: `{"error": {"code", "message", …}}`.
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        var code: String
        var message: String
        var conflicts: [Conflict]?
        var problems: [ChangeProblem]?
    }

    var error: Detail

    init(code: String, message: String, conflicts: [Conflict]? = nil, problems: [ChangeProblem]? = nil) {
        error = Detail(code: code, message: message, conflicts: conflicts, problems: problems)
    }

    /// A complete response with this body.
    func response(_ status: HTTPResponse.Status) -> Response {
        let data = (try? JSONEncoder().encode(self)) ?? Data(#"{"error":{"code":"internal","message":"?"}}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
