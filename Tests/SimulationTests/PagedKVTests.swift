import ClusterModel
import Foundation
@testable import Simulation
import Testing
import Throughput

/// One mixed instance with the test's linear step times (1 ms per prompt token, 10 ms per decode step,
/// a mixed iteration the sum of its parts) and `kvTokens` of KV memory.
func linearMixedPool(kvTokens: Int) throws -> [SimulatedPool] {
    let pools = try linearPools()
    return [SimulatedPool(spec: PoolSpec(role: .mixed, machine: "dgx-h100", count: 1), performance: pools[0].performance,
                          kvCapacityTokens: kvTokens)]
}

@Suite struct PagedKVTests {
    /// Blocks of 4 tokens, 3 blocks, no admission reserve. A (3 prompt tokens, 8 outputs) and B (3, 8)
    /// arrive at 0 s. A prefills 0–3 ms (1 block for 3 + 1 tokens); B's prefill rides A's first decode,
    /// 3–16 ms (3 + 10 ms). At 16 ms A's context reaches 5 tokens: its second block, memory full.
    /// At 26 ms B's context reaches 5 and needs a block: B, admitted last, is preempted with 2 tokens
    /// out, and waits for the 2 blocks its recompute (3 + 2 tokens, plus the next) needs. A decodes
    /// alone to its 8th token at 76 ms, freeing all 3 blocks. B's recompute prefills 5 tokens, 76–81 ms,
    /// producing its 3rd token, then 5 decode steps end it at 131 ms. B's TTFT stays at 16 ms.
    @Test func preemptionThenRecompute() throws {
        var settings = SchedulerSettings()
        settings.kvBlockTokens = 4
        settings.admissionReserveShare = 0
        let requests = [Request(arrivalSeconds: 0, promptTokens: 3, outputTokens: 8),
                        Request(arrivalSeconds: 0, promptTokens: 3, outputTokens: 8)]
        let trace = try ClusterSimulation(requests: requests, pools: try linearMixedPool(kvTokens: 12), settings: settings).run()
        let a = trace.outcomes[0], b = trace.outcomes[1]
        #expect(abs(a.ttftSeconds - 0.003) < 1e-9 && abs(a.e2eSeconds - 0.076) < 1e-9)
        #expect(abs(b.ttftSeconds - 0.016) < 1e-9 && abs(b.e2eSeconds - 0.131) < 1e-9)
        #expect(a.preemptions == 0 && b.preemptions == 1)
        let result = SimulationResult(trace: trace, slo: SLOSet(), reference: nil, wallSeconds: 0)
        #expect(result.preemptions == 1 && result.preemptedRequests == 1 && result.generatedTokens == 16)
        // Prefill: 3 + 3 + 5 ms; decode: the other 12 iterations of 10 ms (the one carrying B's chunk counts its 10 ms).
        #expect(abs(trace.pools[0].prefillSeconds - 0.011) < 1e-9 && abs(trace.pools[0].decodeSeconds - 0.12) < 1e-9)
    }

    /// A prompt token budget of 8. A (4 prompt tokens, 3 outputs) prefills 0–4 ms. B (12 tokens, 2 outputs)
    /// arrives at 1 ms: its first 8-token chunk rides A's first decode, 4–22 ms (8 + 10 ms); its last 4
    /// tokens ride A's second, 22–36 ms (4 + 10 ms), which is A's last token: A ends at 36 ms. B's first token
    /// comes with its last chunk (TTFT 35 ms), its second with the next decode at 46 ms (E2E 45 ms).
    @Test func mixedIterationCarriesChunksAndDecodes() throws {
        var settings = SchedulerSettings()
        settings.promptTokenBudget = 8
        let requests = [Request(arrivalSeconds: 0, promptTokens: 4, outputTokens: 3),
                        Request(arrivalSeconds: 0.001, promptTokens: 12, outputTokens: 2)]
        let trace = try ClusterSimulation(requests: requests, pools: try linearMixedPool(kvTokens: 1_000), settings: settings).run()
        let a = trace.outcomes[0], b = trace.outcomes[1]
        #expect(abs(a.ttftSeconds - 0.004) < 1e-9 && abs(a.e2eSeconds - 0.036) < 1e-9)
        #expect(abs(b.ttftSeconds - 0.035) < 1e-9 && abs(b.e2eSeconds - 0.045) < 1e-9)
        #expect(abs(trace.pools[0].prefillSeconds - 0.016) < 1e-9 && abs(trace.pools[0].decodeSeconds - 0.030) < 1e-9)
        #expect(trace.outcomes.allSatisfy { $0.preemptions == 0 })
    }

    /// Whole-prompt batching, budget 8 (SplitwiseSim's scheduler). A (2 prompt tokens, 3 outputs) prefills
    /// 0–2 ms. B (2, 3) arrives at 1 ms and prefills beside A's decode, 2–14 ms (2 + 10 ms). C (7, 2) arrives
    /// at 3 ms and enters whole at 14 ms, leaving room for one decode: B, admitted last, sits out, and
    /// A's third token ends it at 31 ms (7 + 10 ms); C's first token comes with it (TTFT 28 ms). B rejoins:
    /// 31–41 ms gives B its second token and C its last (E2E 38 ms); B alone ends at 51 ms (E2E 50 ms).
    /// Chunked, B would not sit out and would end at 41 ms.
    @Test func wholePromptBatchingLeavesDecodesOut() throws {
        var settings = SchedulerSettings()
        settings.promptTokenBudget = 8
        settings.wholePromptBatching = true
        let requests = [Request(arrivalSeconds: 0, promptTokens: 2, outputTokens: 3),
                        Request(arrivalSeconds: 0.001, promptTokens: 2, outputTokens: 3),
                        Request(arrivalSeconds: 0.003, promptTokens: 7, outputTokens: 2)]
        let trace = try ClusterSimulation(requests: requests, pools: try linearMixedPool(kvTokens: 1_000), settings: settings).run()
        let (a, b, c) = (trace.outcomes[0], trace.outcomes[1], trace.outcomes[2])
        #expect(abs(a.ttftSeconds - 0.002) < 1e-9 && abs(a.e2eSeconds - 0.031) < 1e-9)
        #expect(abs(b.ttftSeconds - 0.013) < 1e-9 && abs(b.e2eSeconds - 0.050) < 1e-9)
        #expect(abs(c.ttftSeconds - 0.028) < 1e-9 && abs(c.e2eSeconds - 0.038) < 1e-9)
        // Prefill 2 + 2 + 7 ms; decode the 10 ms of each of the other four iterations' steps.
        #expect(abs(trace.pools[0].prefillSeconds - 0.011) < 1e-9 && abs(trace.pools[0].decodeSeconds - 0.040) < 1e-9)
        settings.wholePromptBatching = false
        let chunked = try ClusterSimulation(requests: requests, pools: try linearMixedPool(kvTokens: 1_000), settings: settings).run()
        #expect(abs(chunked.outcomes[1].e2eSeconds - 0.040) < 1e-9)
    }

    /// A request whose context outgrows a whole instance is dropped with a reason, once it is alone
    /// there; the other requests are served.
    @Test func contextOutgrowingTheInstanceIsDropped() throws {
        let requests = [Request(arrivalSeconds: 0, promptTokens: 40, outputTokens: 100),
                        Request(arrivalSeconds: 0, promptTokens: 10, outputTokens: 5)]
        let trace = try ClusterSimulation(requests: requests, pools: try linearMixedPool(kvTokens: 96)).run()
        #expect(trace.outcomes[0].dropReason?.contains("outgrew") == true)
        #expect(trace.outcomes[1].dropReason == nil && trace.outcomes[1].e2eSeconds.isFinite)
    }

    /// Under memory pressure many requests are preempted, none more than the bound (others can always
    /// be preempted instead), and every token is still produced.
    /// With whole-prompt batching as well (budget 256: decodes sit out beside large prompts).
    @Test(arguments: [false, true])
    func preemptionBoundAndConservationUnderPressure(wholePrompts: Bool) throws {
        var random = SplitMix64(seed: 9)
        let requests = (0..<400).map { index in
            Request(arrivalSeconds: Double(index) * 0.02, promptTokens: 20 + random.nextIndex(200), outputTokens: 1 + random.nextIndex(300))
        }
        var settings = SchedulerSettings()
        if wholePrompts {
            settings.wholePromptBatching = true
            settings.promptTokenBudget = 256
        }
        let trace = try ClusterSimulation(requests: requests, pools: try linearMixedPool(kvTokens: 2_000), settings: settings).run()
        let result = SimulationResult(trace: trace, slo: SLOSet(), reference: nil, wallSeconds: 0)
        #expect(result.completed == requests.count && result.preemptions > 50)
        #expect(result.generatedTokens == requests.reduce(0) { $0 + $1.outputTokens })
        #expect(trace.outcomes.allSatisfy { $0.preemptions <= SchedulerSettings().preemptionLimit })
    }
}
