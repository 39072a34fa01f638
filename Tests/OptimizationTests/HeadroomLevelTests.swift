import ClusterModel
import Foundation
import GLPKBackend
@testable import Optimization
import Testing

@Suite struct HeadroomLevelTests {
    /// Each headroom level after the first is solved only for a plan better than the best so far (a row holds
    /// its objective beyond it). The plan must be the one that solving every level in full and keeping the
    /// best finds: min-cost on the quick start at 20 and 100 req/s (design auto), and max-throughput under a
    /// cost cap (Splitwise-AA, coding Llama2-70B iso-cost).
    @Test(arguments: [("Scenarios/quickstart.json", Design.auto, 20.0), ("Scenarios/quickstart.json", .auto, 100),
                      ("Scenarios/splitwise-coding-llama2-70b-iso-cost.json", .splitwiseAA, nil)] as [(String, Design, Double?)])
    func prunedLevelsKeepTheBestPlan(scenario: String, design: Design, rate: Double?) throws {
        let planner = try planner()
        let planRequest = try request(scenario, design: design, rate: rate)
        let context = try planner.context(planRequest)
        let objective = planRequest.scenario.objective
        var best: ProvisioningPlan?
        for headroom in ProvisioningPlanner.tbtHeadroomLevels {
            let input = try planner.prepare(planRequest, context: context, design: design, designIndex: 0, tbtHeadroom: headroom, curves: true)
            let plan = try ProvisioningSolve(input: input, solver: planner.solver, options: planner.options, slo: context.slo,
                                             objective: objective, model: context.model.id).runDeferringLatencies().plan
            if best.map({ ProvisioningPlanner.better(plan, than: $0, objective) }) ?? true { best = plan }
        }
        let full = try #require(best)
        let pruned = try planner.solve(planRequest, context: context, design: design, designIndex: 0).plan
        #expect(full.feasible && pruned.feasible)
        let counts = { (plan: ProvisioningPlan) in plan.pools.map { "\($0.role):\($0.machine)@\($0.powerCap)=\($0.count)" } }
        #expect(abs(pruned.costPerHourUSD - full.costPerHourUSD) < 1e-9 && abs(pruned.requestsPerSecond - full.requestsPerSecond) < 1e-6 * full.requestsPerSecond)
        // The same pools, or, between plans of equal cost, a leaner one: the planner breaks min-cost ties on
        // power (at 100 req/s the quick start's 16 token DGX-H100s run at a 0.7 cap for the same price).
        #expect(counts(pruned) == counts(full) || pruned.powerKW < full.powerKW - 1e-9, "\(counts(pruned)) against \(counts(full))")
        #expect(pruned.powerKW <= full.powerKW + 1e-9)
        // Fewer programs than one plus a check per level: at least one level was settled by its bound alone.
        #expect(pruned.solver.solves < 2 * ProvisioningPlanner.tbtHeadroomLevels.count)
    }
}

@Suite struct SLOMissTests {
    /// The early-stopping check decides as the full violation does, on random targets and miss probabilities
    /// (shares of 4 classes, 3 percentiles, 1 to 3 prompt points).
    @Test func earlyStoppedSumDecidesAsViolationDoes() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let shares = (0..<4).map { _ in random.nextUnit() + 0.01 }
            let total = shares.reduce(0, +)
            let classes = shares.map { WorkloadClass(promptTokens: 100, outputTokens: 10, share: $0 / total, ratePerSecond: 1) }
            let targets = [Percentile.p50, .p90, .p99].map {
                SLOTargets.Target(metric: .e2e, percentile: $0, seconds: (0..<4).map { _ in random.nextUnit() }, slowdown: nil)
            }
            let misses = (0..<4).map { _ in random.nextUnit() * random.nextUnit() }
            let full = SLOTargets.violation(targets, classes: classes) { k, seconds in seconds < 0.5 ? misses[k] : misses[k] / 4 }
            let early = targets.contains { target in
                SLOTargets.sumExceeds(1 - target.percentile.fraction, count: classes.count, share: { classes[$0].share }) { k in
                    target.seconds[k] < 0.5 ? misses[k] : misses[k] / 4
                }
            }
            #expect(early == (full > 0))
        }
    }
}

/// GLPK for the first `answered` solves, then every solve stopped by the time limit before any plan.
final class StoppingSolver: MILPSolver, @unchecked Sendable {
    let name = "stopping"
    private let answered: Int
    private var solves = 0
    private let lock = NSLock()

    init(answered: Int) { self.answered = answered }

    func solve(_ model: LinearModel, options: SolveOptions) throws -> SolveResult {
        lock.lock()
        solves += 1
        let stop = solves > answered
        lock.unlock()
        return stop ? SolveResult(status: .timeLimit, seconds: 0) : try GLPKSolver().solve(model, options: options)
    }
}

@Suite struct UnprovenLevelTests {
    /// When a later headroom level stops at the time limit, the plan of the first is the best found, not a
    /// proven optimum: the status says so and no gap is claimed.
    @Test func aLevelStoppedByTheLimitLeavesThePlanUnproven() throws {
        var planner = try planner()
        let planRequest = try request("Scenarios/quickstart.json")
        let proven = try planner.solve(planRequest, context: try planner.context(planRequest), design: .auto, designIndex: 0).plan
        #expect(proven.feasible && proven.solver.status == .optimal)
        // The first level's program and its sustained-rate check answer; every later solve stops.
        planner.solver = StoppingSolver(answered: 2)
        let stopped = try planner.solve(planRequest, context: try planner.context(planRequest), design: .auto, designIndex: 0).plan
        #expect(stopped.feasible && stopped.solver.status == .feasible && stopped.solver.gap == nil)
        #expect(stopped.pools.map(\.count) == proven.pools.map(\.count) && stopped.costPerHourUSD == proven.costPerHourUSD)
    }
}
