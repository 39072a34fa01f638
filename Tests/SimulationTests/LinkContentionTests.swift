import ClusterModel
import Foundation
@testable import Simulation
import Testing
import Throughput

@Suite struct LinkContentionTests {
    /// Two requests of 100 prompt tokens and 2 outputs arrive at 0 s. Prefill takes 1 ms per token and a
    /// decode step 10 ms, on DGX-H100 pools (8 × 400 Gb/s = 400 GB/s, 4.99 ms transfer setup). The byte
    /// time of one transfer is X = 100 × 327,680 B / 400 GB/s = 81.92 µs, its last layer X / 80 = 1.024 µs.
    ///
    /// - `receiving`: two prompt machines (one instance each) prefill one request each, 0–0.1 s, and
    ///   send to two instances of ONE token machine. The first transfer ends at 0.1 s + 1.024 µs, the
    ///   second queues on the receiving NICs and ends X later. Each then decodes one step alone:
    ///   E2E = 0.11 s + 1.024 µs + 4.99 ms, and X more for the second.
    /// - `sending`: one prompt machine with two instances sends to two token machines: the same times,
    ///   now queued on the sender's NICs.
    /// - `separate`: two prompt and two token machines: no shared NIC, both end at the first's time.
    @Test(arguments: [("receiving", 2, 1, 1, 2, 81.92e-6), ("sending", 1, 2, 2, 1, 81.92e-6), ("separate", 2, 1, 2, 1, 0.0)])
    func secondTransferWaitsForTheFirstOnASharedNIC(
        name: String, promptMachines: Int, promptInstances: Int, tokenMachines: Int, tokenInstances: Int, delay: Double
    ) throws {
        let catalog = try Catalog.load(directory: Repository.catalog)
        let deployment = try Deployment(model: try #require(catalog.models["llama2-70b"]), machine: try #require(catalog.machines["dgx-h100"]),
                                        catalog: catalog)
        let model = LinearModel(deployment: deployment)
        let pools = [
            SimulatedPool(spec: PoolSpec(role: .prompt, machine: "dgx-h100", count: promptMachines), performance: model,
                          kvCapacityTokens: 10_000, instancesPerMachine: promptInstances),
            SimulatedPool(spec: PoolSpec(role: .token, machine: "dgx-h100", count: tokenMachines), performance: model,
                          kvCapacityTokens: 10_000, instancesPerMachine: tokenInstances),
        ]
        let requests = [Request(arrivalSeconds: 0, promptTokens: 100, outputTokens: 2),
                        Request(arrivalSeconds: 0, promptTokens: 100, outputTokens: 2)]
        let trace = try ClusterSimulation(requests: requests, pools: pools).run()
        let e2e = trace.outcomes.map(\.e2eSeconds)
        #expect(abs(e2e[0] - (0.11 + 1.024e-6 + 0.00499)) < 1e-9, "\(name)")
        #expect(abs(e2e[1] - e2e[0] - delay) < 1e-9, "\(name)")
        #expect(trace.outcomes.allSatisfy { abs($0.ttftSeconds - 0.1) < 1e-9 }, "\(name)")
    }
}
