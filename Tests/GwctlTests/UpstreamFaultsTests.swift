import Foundation
import GatewayModel
import TestSupport
import Testing

/// gatewayd in front of upstreams that fail 20% of the time (503s, resets before and after the
/// upstream saw the request, stalls past the upstream timeout, slow bodies): every answer is a
/// success or a clean gateway error with a code, fallback absorbs most faults, and only served
/// requests are charged.
@Suite("Upstream faults")
struct UpstreamFaultsTests {
    @Test func aFaultyUpstreamGetsCleanErrorsAndFallbackAbsorbsMostFaults() async throws {
        let faults = FaultProxy.Configuration(rate: 0.2, seed: 0xB0B, stall: .seconds(3))
        try await DataPlaneScenario.run(faults: faults) { scenario in
            _ = try await scenario.admin.grantCredits(team: "paying", CreditGrant(amountMicroUSD: 100_000_000))
            var statuses: [Int: Int] = [:]
            for index in 0..<120 {
                let (status, json, _) = try await scenario.call(
                    "/v1/chat/completions", key: "paying/app", body: DataPlaneScenario.chat("acme/chat", "n\(index)"))
                statuses[status, default: 0] += 1
                if status != 200 {
                    let error = json["error"] as? [String: Any]
                    #expect([502, 503, 504].contains(status), "\(status) \(json)")
                    #expect(error?["code"] as? String != nil, "\(json)")
                }
            }
            // Both upstreams fail at 20% each, and a request fails only when both do.
            #expect(statuses[200, default: 0] >= 100, "\(statuses)")
            let usage = try await scenario.admin.usage(team: "paying")
            #expect(usage.count == statuses[200, default: 0], "charged \(usage.count), served \(statuses)")
            print("upstream faults: 120 requests through 20% faulty upstreams, statuses \(statuses)")
        }
    }
}
