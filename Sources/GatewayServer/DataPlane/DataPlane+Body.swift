import GatewayModel
import HTTPTypes
import Hummingbird

extension DataPlane {
    /// A request body read into memory, or why it was not: `body_too_large` past the limit (by
    /// `Content-Length` before reading, or while reading), `unsupported_media_type` for a body
    /// that is not JSON, `overloaded` when the bodies in flight already hold the budget.
    ///
    /// `reserved` accumulates the bytes taken from the ``BodyBudget``; the caller gives them back
    /// once the request is answered, whatever happened here.
    func readBody(_ request: Request, reserved: inout Int) async -> Result<ByteBuffer, Refusal> {
        let declared = request.headers[.contentLength].flatMap(Int.init)
        if let declared, declared > maxBodyBytes { return .failure(tooLarge) }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            return .failure(
                Refusal(
                    code: .unsupportedMediaType, message: "send the request body as application/json",
                    layer: .request))
        }
        // A declared length is reserved whole before a byte is read, so a refused body is never read.
        if let declared {
            guard bodyBudget.reserve(declared) else { return .failure(overloaded) }
            reserved += declared
        }
        var buffer = ByteBuffer()
        do {
            for try await chunk in request.body {
                guard buffer.readableBytes + chunk.readableBytes <= maxBodyBytes else { return .failure(tooLarge) }
                if buffer.readableBytes + chunk.readableBytes > reserved {
                    let more = buffer.readableBytes + chunk.readableBytes - reserved
                    guard bodyBudget.reserve(more) else { return .failure(overloaded) }
                    reserved += more
                }
                buffer.writeImmutableBuffer(chunk)
            }
        } catch {
            return .failure(Refusal(code: .invalidRequest, message: "the request body broke off", layer: .request))
        }
        return .success(buffer)
    }

    private var maxBodyBytes: Int { bodyLimit.maxBytes }

    private var tooLarge: Refusal {
        Refusal(code: .bodyTooLarge, message: "request bodies are limited to \(maxBodyBytes) bytes", layer: .request)
    }

    private var overloaded: Refusal {
        Refusal(
            code: .overloaded,
            message: "the gateway is reading as many request bodies as it may hold at once; retry shortly",
            layer: .request,
            hint: "operators: gatewayd's --max-body-bytes-in-flight (\(bodyBudget.capacity) bytes) bounds them",
            retryAfterSeconds: 1)
    }
}
