import GatewayModel
import GatewayStore
import HTTPTypes
import Hummingbird
import Logging

/// The one mapping from an admin request's error to its answer, for the generated handlers
/// (``AdminAPIHandler``) and the state read (``StateResponder``) alike. An error that is not the
/// client's is `500 internal` with its type in the log, never its detail in the answer.
struct AdminFailure {
    let status: Int
    let body: ErrorBody

    init(_ error: any Error, store: any GatewayStore, logger: Logger) {
        switch error {
        case GatewayAdminError.conflict(let conflicts):
            status = 409
            body = ErrorBody(
                code: "precondition_failed",
                message: "\(conflicts.count) \(conflicts.count == 1 ? "resource" : "resources") changed: "
                    + conflicts.map(\.target.description).joined(separator: ", "), conflicts: conflicts)
        case GatewayAdminError.invalidChangeset(let problems):
            status = 422
            body = ErrorBody(
                code: "invalid_changeset", message: problems.map(\.description).joined(separator: "; "),
                problems: problems)
        case StoreError.notFound(let ref):
            status = 404
            body = ErrorBody(code: "not_found", message: "\(ref) does not exist")
        case StoreError.invalid(let message):
            status = 400
            body = ErrorBody(code: "invalid_request", message: message)
        case StoreError.idempotencyKeyReused:
            status = 422
            body = ErrorBody(code: "idempotency_key_reused", message: "\(error)")
        case _ where store.isUnavailable(error) || error is Deadline.Passed:
            // The store's error names hosts and statements: the log has it, the answer does not.
            logger.error("the state store cannot be reached", metadata: ["reason": "\(error)"])
            status = 503
            body = ErrorBody(
                code: "state_unavailable",
                message: "the gateway cannot reach its state store; nothing was changed, retry when it is back")
        default:
            logger.error("admin request failed", metadata: ["error": .string(String(describing: type(of: error)))])
            status = 500
            body = ErrorBody(code: "internal", message: "the gateway could not complete the request")
        }
    }

    /// The failure as a complete response (for paths outside the generated handlers).
    func response() -> Response {
        body.response(HTTPResponse.Status(code: status))
    }
}
