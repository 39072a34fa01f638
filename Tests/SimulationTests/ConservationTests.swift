import ClusterModel
import Foundation
@testable import Simulation
import Testing
import Throughput

@Suite struct ConservationTests {
    /// Two requests, hand-timed with 1 ms per prompt token and 10 ms decode steps: A (100 tokens, 3 outputs)
    /// at 0 s prefills to 0.1 s, then 2 decode steps: done at 0.12 s. B (200 tokens, 2 outputs) at 0.05 s
    /// waits for A's prefill, prefills 0.1–0.3 s, one decode step: done at 0.31 s. Each also waits for the
    /// last of 80 layers' KV over a DGX-H100's 8 × 400 Gb/s: 100 × 327,680 B / 400 GB/s / 80 = 1.024 µs,
    /// and 2.048 µs for B, plus the DGX-H100's 4.99 ms transfer setup.
    @Test func handTimedTimeline() throws {
        let requests = [Request(arrivalSeconds: 0, promptTokens: 100, outputTokens: 3),
                        Request(arrivalSeconds: 0.05, promptTokens: 200, outputTokens: 2)]
        let trace = try ClusterSimulation(requests: requests, pools: try linearPools()).run()
        let e2e = trace.outcomes.map(\.e2eSeconds), ttft = trace.outcomes.map(\.ttftSeconds)
        #expect(abs(ttft[0] - 0.1) < 1e-9 && abs(e2e[0] - (0.12 + 1.024e-6 + 0.00499)) < 1e-9)
        #expect(abs(ttft[1] - 0.25) < 1e-9 && abs(e2e[1] - (0.26 + 2.048e-6 + 0.00499)) < 1e-9)
    }

    /// Throughput in the measurement window, by hand: 20 requests of 100 prompt tokens and 1 output arrive
    /// every 0.5 s from 0 to 9.5 s, over 10 s of arrivals; each ends with its 0.1 s prefill, at 0.1, 0.6,
    /// …, 9.6 s. The window is 10 % to 90 % of 10 s, [1, 9): the 16 completions at 1.1 … 8.6 s, so
    /// 16 / 8 s = 2 req/s. With the drain: 20 requests / (9.6 s − 0 s) = 2.0833 req/s.
    @Test func throughputCountsTheMeasurementWindow() throws {
        let requests = (0..<20).map { Request(arrivalSeconds: Double($0) * 0.5, promptTokens: 100, outputTokens: 1) }
        let trace = try ClusterSimulation(requests: requests, pools: try linearPools()).run()
        let result = SimulationResult(trace: trace, slo: SLOSet(), reference: nil, wallSeconds: 0, arrivalDurationSeconds: 10)
        #expect(result.measurementWindow == SimulationResult.MeasurementWindow(arrivalDurationSeconds: 10))
        #expect(abs(result.measurementWindow.startSeconds - 1) < 1e-12 && abs(result.measurementWindow.endSeconds - 9) < 1e-12)
        #expect(abs(result.completedRequestsPerSecond - 2) < 1e-12)
        #expect(abs(result.completedRequestsPerSecondWithDrain - 20 / 9.6) < 1e-9)
    }

    /// Every request completes or is dropped with a reason; generated tokens equal the outputs asked for.
    @Test func requestsAndTokensAreConserved() throws {
        var random = SplitMix64(seed: 3)
        var requests = (0..<3000).map { index in
            Request(arrivalSeconds: Double(index) * 0.01, promptTokens: 1 + random.nextIndex(3000), outputTokens: 1 + random.nextIndex(400))
        }
        requests.append(Request(arrivalSeconds: 31, promptTokens: 900_000, outputTokens: 900_000))
        let pools = try linearPools(prompt: 3, token: 2).map { pool -> SimulatedPool in
            var bounded = pool
            bounded.kvCapacityTokens = 200_000
            return bounded
        }
        let trace = try ClusterSimulation(requests: requests, pools: pools).run()
        let result = SimulationResult(trace: trace, slo: SLOSet(), reference: nil, wallSeconds: 0)
        #expect(result.completed + result.dropped == requests.count)
        #expect(result.dropped == 1 && result.dropReasons.keys.first?.contains("KV cache") == true)
        #expect(result.generatedTokens == requests.dropLast().reduce(0) { $0 + $1.outputTokens })
        #expect(trace.outcomes.dropLast().allSatisfy { $0.e2eSeconds >= $0.ttftSeconds && $0.ttftSeconds > 0 })
    }

    /// The same requests give the same result, figure for figure.
    @Test func deterministic() throws {
        let catalog = try Catalog.load(directory: Repository.catalog)
        let model = try #require(catalog.models["llama2-70b"])
        var random = SplitMix64(seed: 5), clock = 0.0
        let requests = (0..<2000).map { _ -> Request in
            clock += ArrivalSampling.interarrival(.poisson(ratePerSecond: 20), ratePerSecond: 20, &random)
            return Request(arrivalSeconds: clock, promptTokens: 1 + random.nextIndex(2000), outputTokens: 1 + random.nextIndex(300))
        }
        let pools = [PoolSpec(role: .prompt, machine: "dgx-h100", count: 3), PoolSpec(role: .token, machine: "dgx-h100", count: 2),
                     PoolSpec(role: .mixed, machine: "dgx-a100", count: 1)]
        let results = try (0..<2).map { _ in
            SimulationResult(trace: try ClusterSimulation(requests: requests, pools: pools, model: model, catalog: catalog).run(),
                             slo: .splitwise(reference: "dgx-a100"), reference: nil, wallSeconds: 0)
        }
        #expect(results[0] == results[1])
        #expect(results[0].completed == 2000 && results[0].energyKWh > 0)
    }

    /// A baseline (mixed pool only) serves everything, and runs prefills before decodes.
    @Test func mixedPoolAlone() throws {
        let catalog = try Catalog.load(directory: Repository.catalog)
        let model = try #require(catalog.models["llama2-70b"])
        let requests = (0..<500).map { Request(arrivalSeconds: Double($0) * 0.1, promptTokens: 800, outputTokens: 50) }
        let trace = try ClusterSimulation(requests: requests, pools: [PoolSpec(role: .mixed, machine: "dgx-h100", count: 2)],
                                          model: model, catalog: catalog).run()
        let result = SimulationResult(trace: trace, slo: SLOSet(), reference: nil, wallSeconds: 0)
        #expect(result.completed == 500 && result.generatedTokens == 500 * 50)
        #expect(result.pools[0].prefillUtilisation > 0 && result.pools[0].decodeUtilisation > 0)
    }
}
