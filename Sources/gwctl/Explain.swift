import ArgumentParser
import Foundation
import GatewayModel
import GwctlCore

/// `gwctl explain`: why a key's request for a model would be served or refused, layer by layer,
/// without calling a provider.
struct Explain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain the admission decision for a key and a model, without calling a provider.",
        discussion: """
            Runs the gateway's admission steps (key, team, rules, allowlists and ZDR, credentials, \
            credits and budgets, rate limits) and prints each decision. Exit status: 0 when the request \
            would be served, 2 when it would be refused, 1 on error.
            """
    )

    @Option(help: "The key (or workload identity) as team/name.") var key: String?
    @Option(
        help: ArgumentHelp(
            "A token's claims (JSON file, - for standard input) instead of --key: which identity the issuers map them to.",
            discussion:
                "The claims are taken as if the token had verified; say which Issuer identity matched, or which claims were checked.",
            valueName: "file"))
    var claims: String?
    @Option(help: "The model the request asks for.") var model: String
    @Flag(help: "Pretend the request carries its own provider key (per-request BYOK).") var withCredential = false
    @Option(help: "The endpoint: chat or embeddings.") var endpoint = ExplainRequest.Endpoint.chat
    @Option(
        help: ArgumentHelp(
            "A request body (JSON file, - for standard input) to check against each provider of the route.",
            discussion:
                "Says for each provider whether its format can carry every part of the body, as gatewayd decides before calling it.",
            valueName: "file"))
    var body: String?
    @Option(help: "The API the body is written for: chat, messages or responses.") var api: ExplainRequest.API = .chat
    @Option(help: "Output format: text or json.") var format = ExplainFormat.text
    @OptionGroup var targetOptions: TargetOptions

    func validate() throws {
        guard (key == nil) != (claims == nil) else { throw ValidationError("give exactly one of --key and --claims") }
        if let key, key.split(separator: "/").count != 2 { throw ValidationError("--key must be team/name") }
        if body == "-", claims == "-" {
            throw ValidationError("only one of --body and --claims can read standard input")
        }
    }

    func run() async throws {
        let target = try targetOptions.target()
        guard let admin = try target.reader() else {
            throw CommandFailure("\(target.description) does not exist yet; apply manifests first")
        }
        func read(_ path: String) throws -> String {
            path == "-"
                ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                : try String(contentsOfFile: path, encoding: .utf8)
        }
        let text = try body.map(read)
        let explanation = try await admin.explain(
            ExplainRequest(
                key: key, model: model, perRequestCredential: withCredential ? true : nil,
                endpoint: endpoint, body: text, api: text == nil ? nil : api,
                claims: try claims.map(read)))
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(explanation), as: UTF8.self))
        } else {
            print(ExplanationText.render(explanation, target: target.description), terminator: "")
        }
        if !explanation.admitted { throw ExitCode(2) }
    }
}

extension ExplainRequest.API: ExpressibleByArgument {}
extension ExplainRequest.Endpoint: ExpressibleByArgument {}
