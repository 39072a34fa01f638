import ClusterModel
import Foundation
import GLPKBackend
import Optimization
import Simulation

/// The simulator where plans operate, each in this process alone (`splitplan-bench simulator`), so its
/// peak resident memory is the simulation's: 10 minutes of conversation load on BLOOM-176B at 80 req/s
/// on 25 prompt + 15 token DGX-H100s, and at 1280 req/s on the pools `plan` picks for that rate.
/// Each wall time covers the run and the measurement (percentiles, SLOs), not the workload's generation.
func simulatorBenchmark(repeats: Int) throws {
    let catalog = try Catalog.load(directory: root.appendingPathComponent("Catalog"))
    let scenario = try Scenario.load(root.appendingPathComponent("Scenarios/splitwise-conversation-bloom-176b-iso-cost.json"))
    let traces = try scenario.loadTraces()
    let bloom = try catalog.model("bloom-176b", file: "benchmark", jsonPath: "model")
    let conversation = root.appendingPathComponent("Scenarios/traces/conversation.csv")
    func requests(rate: Double) throws -> [Request] {
        let workload = Workload.generated(GeneratedWorkload(
            arrivals: .poisson(ratePerSecond: rate), promptTokens: .trace(file: conversation), outputTokens: .trace(file: conversation),
            durationSeconds: 600))
        return try workload.requests(traces: [conversation: try Trace.load(conversation)], seed: 1)
    }
    let planner = ProvisioningPlanner(catalog: catalog, solver: GLPKSolver())
    let request = PlanRequest(scenario: scenario, traces: traces, objective: .minCost, budget: Budget(), ratePerSecond: 1280)
    guard let plan = try planner.plan(request).first(where: \.feasible) else {
        print("no feasible plan at 1280 req/s")
        return
    }
    let planned = plan.poolCounts
    let cases: [(name: String, rate: Double, pools: [PoolSpec])] = [
        ("80 req/s, prompt:dgx-h100=25 token:dgx-h100=15", 80,
         [PoolSpec(role: .prompt, machine: "dgx-h100", count: 25), PoolSpec(role: .token, machine: "dgx-h100", count: 15)]),
        ("1280 req/s, planned " + planned.map { "\($0.role.rawValue):\($0.machine.rawValue)=\($0.count)" }.joined(separator: " "), 1280, planned),
    ]
    print("Simulator: 600 s of conversation arrivals, BLOOM-176B; median of \(repeats) runs (run + measurement)")
    for benchmark in cases {
        let arrivals = try requests(rate: benchmark.rate)
        var walls: [Double] = [], events = 0, preemptions = 0
        for _ in 0..<repeats {
            let simulation = try ClusterSimulation(requests: arrivals, pools: benchmark.pools, model: bloom, catalog: catalog)
            let (result, wall) = timed {
                SimulationResult(trace: simulation.run(), slo: scenario.slo, reference: nil, wallSeconds: 0)
            }
            walls.append(wall)
            events = result.events
            preemptions = result.preemptions
        }
        print("  \(benchmark.name): \(arrivals.count) requests, \(events) events, \(preemptions) preemptions; "
              + "median wall \(milliseconds(median(walls))) (range \(milliseconds(walls.min() ?? 0))–\(milliseconds(walls.max() ?? 0)))")
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    print(String(format: "  peak resident memory of this process: %.1f MB", Double(usage.ru_maxrss) / 1024))
}
