import GatewayCore
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
        if let violation = bodyLimit.violation(before: request) { return .failure(refusal(for: violation)) }
        let declared = request.headers[.contentLength].flatMap(Int.init)
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

    /// The data plane's answer to a broken body rule.
    func refusal(for violation: RequestBodyLimit.Violation) -> Refusal {
        switch violation {
        case .tooLarge: tooLarge
        case .notJSON: Refusal(code: .unsupportedMediaType, message: RequestBodyLimit.notJSONMessage, layer: .request)
        }
    }

    /// A GET route's refusal of a declared body past the limit, in the client's error shape
    /// (Anthropic's when it sends `anthropic-version`); nil when the request may go on.
    func refusingBody(of request: Request) -> Response? {
        guard let violation = bodyLimit.violation(before: request) else { return nil }
        let format: ChatFormat = request.headers[DataPlaneHeaders.anthropicVersion] != nil ? .anthropic : .openAI
        return DataPlaneError(refusal: refusal(for: violation), requestID: RequestID.next(), format: format).response()
    }

    private var tooLarge: Refusal {
        Refusal(code: .bodyTooLarge, message: bodyLimit.tooLargeMessage, layer: .request)
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
