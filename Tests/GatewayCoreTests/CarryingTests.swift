import GatewayCore
import GatewayModel
import NIOConcurrencyHelpers
import Testing

/// A route with an Anthropic-format provider first and an OpenAI-format one second: what cannot
/// be carried to the first is served by the second, explain says so, and when neither can carry
/// it nothing is called.
@Suite("carrying a request to its provider")
struct CarryingTests {
    static let state = GatewayState(
        revision: 3,
        providers: [
            ProviderRecord(
                metadata: ResourceMetadata(name: "claude"), type: .anthropic, baseURL: "http://claude",
                models: [ProviderModel(id: "mix/model"), ProviderModel(id: "claude/only")],
                secret: SecretFingerprint(salt: "00", sha256: "00")),
            ProviderRecord(
                metadata: ResourceMetadata(name: "oai"), type: .openai, baseURL: "http://oai",
                models: [ProviderModel(id: "mix/model")], secret: SecretFingerprint(salt: "00", sha256: "00")),
        ],
        teams: [World.team("a")], apiKeys: [APIKeyRecord(team: "a", name: "k")],
        rules: [
            RuleRecord(
                metadata: ResourceMetadata(name: "claude-first"), priority: 1,
                match: RuleMatch(models: ["mix/*"]), action: .route(providers: ["claude", "oai"], fallbackModels: []))
        ])

    static var pipeline: AdmissionPipeline {
        AdmissionPipeline(
            snapshot: GatewaySnapshot(state: state, keyHashes: []), ledger: FixedLedger(balances: ["a": 1_000_000]),
            limiter: RateLimiter())
    }

    /// Stands in for the HTTP adapter: builds the provider's body as it does, and records who was called.
    final class Recorder: ProviderAdapter {
        let called = NIOLockedValueBox<[String]>([])

        func send(_ call: UpstreamCall) async throws -> UpstreamReply {
            guard case .chat(let format, _, _, _) = call.operation else {
                throw UpstreamFailure(.connection, "chat only")
            }
            _ = try ProviderWire.body(
                of: call, upstreamFormat: ProviderWire.upstreamFormat(of: call.provider.type, for: format))
            called.withLockedValue { $0.append(call.provider.metadata.name) }
            return .complete(body: ["ok": true], usage: TokenUsage(input: 1, output: 1))
        }
    }

    struct Vault: SecretVault {
        func secret(of ref: ResourceRef) async throws -> String? { "sk-test" }
    }

    static func serve(
        _ body: String, model: String
    ) async throws -> (Result<UpstreamDispatch.Served, Refusal>, [String]) {
        let recorder = Recorder()
        let dispatch = UpstreamDispatch(http: recorder, vault: Vault(), timeoutSeconds: 1)
        let admission = try await pipeline.admit(AdmissionRequest(caller: .named("a/k"), model: model))
        #expect(admission.isAdmitted)
        let result = try await dispatch.serve(
            admission, snapshot: pipeline.snapshot,
            operation: .chat(
                format: .openAI, body: try JSON.parse(Array(body.utf8)), stream: false, includeUsage: false),
            requestCredential: nil, requestID: "t")
        return (result, recorder.called.withLockedValue { $0 })
    }

    @Test func aPartTheFirstProviderCannotCarryIsServedByTheFallbackThatCan() async throws {
        let (result, called) = try await Self.serve(
            #"{"model":"mix/model","n":2,"messages":[{"role":"user","content":"hi"}]}"#, model: "mix/model")
        #expect(called == ["oai"])
        #expect((try? result.get())?.candidate.provider == "oai")
        let (plain, plainCalled) = try await Self.serve(
            #"{"model":"mix/model","messages":[{"role":"user","content":"hi"}]}"#, model: "mix/model")
        #expect(plainCalled == ["claude"])
        #expect((try? plain.get())?.candidate.provider == "claude")
    }

    @Test func whenNoProviderCanCarryItNothingIsCalledAndThePartIsNamed() async throws {
        let (result, called) = try await Self.serve(
            #"{"model":"claude/only","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA","format":"wav"}}]}]}"#,
            model: "claude/only")
        #expect(called.isEmpty)
        guard case .failure(let refusal) = result else {
            Issue.record("served")
            return
        }
        #expect(refusal.code == .unsupportedContent)
        #expect(refusal.status == 400)
        #expect(refusal.layer == .translation)
        #expect(refusal.message.contains("input_audio") && refusal.message.contains("'claude'"))
    }

    @Test func explainSaysWhichProviderCanCarryABody() async throws {
        let explained = try await Self.pipeline.explain(
            ExplainRequest(
                key: "a/k", model: "mix/model",
                body: #"{"model":"mix/model","seed":7,"messages":[{"role":"user","content":"hi"}]}"#, api: .chat))
        #expect(explained.admitted)
        #expect(explained.route.map(\.provider) == ["oai"])
        let steps = explained.steps.filter { $0.layer == .translation }
        #expect(steps.map(\.outcome) == [.note, .pass])
        #expect(steps.first?.detail.contains("seed") == true)

        let refused = try await Self.pipeline.explain(
            ExplainRequest(
                key: "a/k", model: "claude/only",
                body: #"{"model":"claude/only","logprobs":true,"messages":[{"role":"user","content":"hi"}]}"#))
        #expect(!refused.admitted)
        #expect(refused.refusal?.code == .unsupportedContent)

        let broken = try await Self.pipeline.explain(
            ExplainRequest(key: "a/k", model: "mix/model", body: #"{"model":"a","model":"b"}"#))
        #expect(broken.refusal?.code == .invalidRequest)
    }
}
