import Hummingbird
import HummingbirdTesting

extension TestIssuer {
    /// Serves the JWKS at `http://127.0.0.1:PORT/jwks` (an ephemeral port) while `body` runs.
    public func serveJWKS<Value: Sendable>(
        _ body: @escaping @Sendable (_ jwksURL: String) async throws -> Value
    ) async throws -> Value {
        let router = Router()
        router.get("/jwks") { _, _ -> Response in
            let (status, text) = self.jwksResponse()
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(
                status: HTTPResponse.Status(code: status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/jwks")
        }
    }
}
