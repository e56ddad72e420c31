import GatewayModel
import NIOCore

/// Answers HTTP-type providers in-process, each in its own wire format, through the same
/// ``ProviderWire`` the HTTP adapter uses: the body the provider would receive is written and
/// read back, the deterministic ``MockModel`` answers in the provider's format, and its answer
/// is written, read and carried to the client's format. For `gwbench hotpath`, which measures
/// gatewayd's own work (translation included) without the network's noise. Non-streamed only.
public struct LoopbackProviderAdapter: ProviderAdapter {
    public init() {}

    public func send(_ call: UpstreamCall) async throws -> UpstreamReply {
        guard case .chat(let format, _, let stream, _) = call.operation, !stream else {
            throw UpstreamFailure(.status(400), "the loopback provider answers non-streamed chat only")
        }
        let upstreamFormat = ProviderWire.upstreamFormat(of: call.provider.type, for: format)
        let sent = try ProviderWire.body(of: call, upstreamFormat: upstreamFormat).encoded()
        let answer = ByteBuffer(
            bytes: try Self.standIn(
                sent, format: upstreamFormat, model: call.candidate.upstreamModel, id: "loop_" + call.requestID))
        return ProviderWire.reply(
            answer, parsed: try JSON.parse(answer.readableBytesView), clientFormat: format,
            upstreamFormat: upstreamFormat, model: call.candidate.model)
    }

    /// The provider's side: the body it receives read, the answer made and written. Apart, so a
    /// benchmark can take it out of the loopback's time and leave gatewayd's own.
    public static func standIn(_ sent: [UInt8], format: ChatFormat, model: String, id: String) throws -> [UInt8] {
        let completion = try MockModel.completion(for: try JSON.parse(sent), format: format, model: model, id: id)
        return format.response(completion).encoded()
    }
}
