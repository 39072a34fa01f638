import ClusterModel
import Foundation
@testable import Simulation
import Testing

@Suite struct MixedRoutingTests {
    /// Two mixed instances, the test's linear step times (1 ms per prompt token, 10 ms per decode step, a
    /// mixed iteration the sum of its parts). C (1000 tokens, 100 outputs) takes instance 0 and prefills
    /// 0–1 s, then decodes in 10 ms steps. D (100 tokens, 2 outputs) arrives at 1.05 s: instance 0 holds one
    /// request and no prompt work (load 1), instance 1 nothing (load 0), so D prefills on instance 1,
    /// 1.05–1.15 s, and decodes 1.15–1.16 s. E (20 tokens, 2 outputs) arrives at 1.105 s: instance 1 has
    /// D's 100 prompt tokens pending (load 101), instance 0 none (load 1), so E joins instance 0 after its
    /// decode step 1.10–1.11 s, prefills beside C's decode 1.11–1.14 s (TTFT 0.035 s) and decodes
    /// 1.14–1.15 s (E2E 0.045 s). Routed by KV held, E would have gone to instance 1 (D's 112 tokens
    /// against C's 1,024) and waited for D's prefill: TTFT 0.075 s.
    @Test func aPromptGoesWhereNoPrefillIsAhead() throws {
        let base = try linearPools()
        let pools = [SimulatedPool(spec: PoolSpec(role: .mixed, machine: "dgx-h100", count: 2), performance: base[0].performance,
                                   kvCapacityTokens: 10_000_000)]
        let requests = [Request(arrivalSeconds: 0, promptTokens: 1000, outputTokens: 100),
                        Request(arrivalSeconds: 1.05, promptTokens: 100, outputTokens: 2),
                        Request(arrivalSeconds: 1.105, promptTokens: 20, outputTokens: 2)]
        let trace = try ClusterSimulation(requests: requests, pools: pools, settings: SchedulerSettings()).run()
        let d = trace.outcomes[1], e = trace.outcomes[2]
        #expect(abs(d.ttftSeconds - 0.1) < 1e-9 && abs(d.e2eSeconds - 0.11) < 1e-9)
        #expect(abs(e.ttftSeconds - 0.035) < 1e-9 && abs(e.e2eSeconds - 0.045) < 1e-9)
    }
}
