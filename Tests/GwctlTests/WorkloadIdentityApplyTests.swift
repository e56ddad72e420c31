import Foundation
import GatewayModel
import TestSupport
import Testing

/// gwctl in a pipeline without a stored admin token: the pipeline's OIDC token, mapped by the
/// Issuer's admin grants, plans as reader and applies as writer, through a live gatewayd.
@Suite("Workload identity through gwctl")
struct WorkloadIdentityApplyTests {
    static func issuerManifest(url: String, audience: String, jwksURL: String) -> String {
        """
        apiVersion: gateway/v1
        kind: Issuer
        metadata:
          name: ci
        spec:
          url: \(url)
          audiences: [\(audience)]
          jwks: {url: \(jwksURL)}
          identities:
            - name: checkout-prod
              team: payments
              claims: {repository: acme/checkout, environment: production}
          admin:
            - name: config-apply
              role: writer
              claims: {repository: acme/gateway-config, ref: refs/heads/main}
            - name: config-plan
              role: reader
              claims: {repository: acme/gateway-config, event_name: pull_request}
        """
    }

    @Test func aWriterTokenAppliesAndAReaderTokenPlansButIsRefusedOnApply() async throws {
        let issuer = try TestIssuer()
        try await issuer.serveJWKS { jwksURL in
            try await LiveGatewayd.with { gateway in
                let directory = gateway.directory
                try Self.issuerManifest(url: issuer.url, audience: issuer.audience, jwksURL: jwksURL).write(
                    to: directory.appendingPathComponent("acme/issuer.yaml"), atomically: true, encoding: .utf8)
                // Bootstrapping: the first apply, with the stored token, makes the Issuer known.
                let gwctl = BuiltProduct("gwctl")
                let bootstrap = try await gwctl.run(
                    ["apply", "acme", "--auto-approve", "--keys-out", "keys.json"],
                    environment: gateway.gwctlEnvironment(), directory: directory)
                #expect(bootstrap.status == 0, "\(bootstrap.stderr)")

                func environment(with claims: [String: Any], file: String) throws -> [String: String] {
                    let token = try issuer.token(issuer.claims(claims))
                    try (token + "\n").write(
                        to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
                    var environment = gateway.gwctlEnvironment()
                    environment["GWCTL_TOKEN"] = nil
                    environment["GWCTL_OIDC_TOKEN_FILE"] = directory.appendingPathComponent(file).path
                    return environment
                }
                let reader = try environment(
                    with: ["repository": "acme/gateway-config", "event_name": "pull_request", "sub": "pr-17"],
                    file: "reader.jwt")
                let writer = try environment(
                    with: ["repository": "acme/gateway-config", "ref": "refs/heads/main", "sub": "main"],
                    file: "writer.jwt")

                // A change to review: a new team.
                try """
                apiVersion: gateway/v1
                kind: Team
                metadata:
                  name: oidc-made
                spec: {}
                """.write(
                    to: directory.appendingPathComponent("acme/teams/oidc-made.yaml"), atomically: true,
                    encoding: .utf8)
                let plan = try await gwctl.run(
                    ["plan", "acme", "--detailed-exitcode"], environment: reader, directory: directory)
                #expect(plan.status == 2, "a reader token plans: \(plan.stderr)")
                #expect(plan.stdout.contains("team/oidc-made"))

                let refused = try await gwctl.run(
                    ["apply", "acme", "--auto-approve"], environment: reader, directory: directory)
                #expect(refused.status == 1)
                #expect(
                    refused.stderr.contains("oidc:ci/config-plan sub=pr-17' has the role reader"), "\(refused.stderr)")
                #expect(refused.stderr.contains("needs writer"))

                let applied = try await gwctl.run(
                    ["apply", "acme", "--auto-approve"], environment: writer, directory: directory)
                #expect(applied.status == 0, "\(applied.stderr)")
                let state = try await gateway.admin.state()
                #expect(state.teams.contains { $0.metadata.name == "oidc-made" })
                let audit = try await gateway.admin.auditLog(after: 0, limit: 500)
                #expect(
                    audit.contains { $0.actor == "oidc:ci/config-apply sub=main" && $0.target == .team("oidc-made") })
                // Tokens never reach the gateway's log.
                let tokens = try [reader, writer].map {
                    try String(contentsOfFile: $0["GWCTL_OIDC_TOKEN_FILE"]!, encoding: .utf8)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                }
                for token in tokens {
                    #expect(!gateway.server.output.contains(token))
                    #expect(!refused.stderr.contains(token) && !applied.stdout.contains(token))
                }
            }
        }
    }
}
