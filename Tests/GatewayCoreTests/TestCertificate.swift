import NIOSSL

/// A self-signed certificate for `localhost` and 127.0.0.1, valid until 2126, and its key: for
/// the TLS tests of the upstream client only. (Made with `openssl req -x509 -newkey ec
/// -pkeyopt ec_paramgen_curve:prime256v1 -days 36500 -nodes -subj /CN=localhost
/// -addext subjectAltName=DNS:localhost,IP:127.0.0.1`.)
enum TestCertificate {
    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBmzCCAUGgAwIBAgIUT+FnkdGxGBa5uA9O2gGDLGDOTV0wCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNDAzMjQzNloYDzIxMjYxMDMx
        MDMyNDM2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAAQTpMYp9dK2iiPpsqpwuEdKi2Q7XGf/sQSa602lHA8NCfaE7EO8kYgG
        EoViXhuF/6hVg7pprtXCVfd0TEs4dAuPo28wbTAdBgNVHQ4EFgQUi7Z0fIPLn+xm
        cfbnZTvlm8M5WAEwHwYDVR0jBBgwFoAUi7Z0fIPLn+xmcfbnZTvlm8M5WAEwDwYD
        VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
        zj0EAwIDSAAwRQIhANpwN2cSKnduBHTGVuyrjxxnFVMsWYhg0q9AGtFCoisWAiAr
        0JqdOOeWokfVndtchO27YlvVqbe84DN9x/vROrVprw==
        -----END CERTIFICATE-----
        """

    static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgT+lJifEujXs1Im4O
        vz0qX5CYkQYqHxe1rld9Z2RQfI6hRANCAAQTpMYp9dK2iiPpsqpwuEdKi2Q7XGf/
        sQSa602lHA8NCfaE7EO8kYgGEoViXhuF/6hVg7pprtXCVfd0TEs4dAuP
        -----END PRIVATE KEY-----
        """

    static func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    /// A client configuration that trusts this certificate alone.
    static func clientConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([
            try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
        ])
        return configuration
    }
}
