import ClusterModel
import Foundation
import Simulation
import Throughput

/// The highest arrival rate at which a given cluster meets every SLO in simulation: per seed, a bracket
/// (the rate grows or shrinks by `bracketFactor` until one rate passes and a higher one fails), then
/// bisection on the logarithm of the rate until the bracket is within `relativeTolerance`. Arrivals at
/// different rates share their random numbers (gaps scale with 1/rate, sizes stay), so within one seed
/// the pass/fail answer moves with the rate, not with the draw.
public struct CapacitySearch: Sendable {
    public struct SeedResult: Sendable, Codable, Equatable {
        public var seed: UInt64
        /// The highest rate that met every SLO, and the lowest that missed one (nil: none missed up to the limit).
        public var passingRequestsPerSecond: Double
        @NullEncodable public var failingRequestsPerSecond: Double?
        public var simulations: Int
    }

    public struct Outcome: Sendable, Codable, Equatable {
        /// Median over seeds of the highest passing rate.
        public var requestsPerSecond: Double
        public var minRequestsPerSecond: Double
        public var maxRequestsPerSecond: Double
        /// (max − min) / median over seeds, in percent.
        public var seedSpreadPercent: Double
        public var relativeTolerance: Double
        public var durationSeconds: Double
        public var seeds: [SeedResult]
    }

    public var simulation: ScenarioSimulation
    public var seeds: [UInt64]
    public var relativeTolerance: Double
    public var bracketFactor = 1.5
    /// No cluster is searched above this rate or below `lowestRequestsPerSecond`.
    public var highestRequestsPerSecond = 1e5
    public var lowestRequestsPerSecond = 1e-3
    /// Stops a run once its SLO miss is settled (`SLOMissWatch`); off, every run drains its backlog (the
    /// same verdicts, for a benchmark's baseline).
    public var stopsAtSettledMiss = true

    public init(simulation: ScenarioSimulation, seeds: [UInt64] = [1, 2, 3], relativeTolerance: Double = 0.02) {
        self.simulation = simulation
        self.seeds = seeds
        self.relativeTolerance = relativeTolerance
    }

    /// `startRequestsPerSecond`: where the bracket starts (the planner's prediction is a good guess).
    /// Seeds run concurrently; the outcome does not depend on their order.
    public func run(pools: [PoolSpec], startRequestsPerSecond: Double) throws -> Outcome {
        try runKeepingPassingRuns(pools: pools, startRequestsPerSecond: startRequestsPerSecond).outcome
    }

    /// As `run`, with each seed's run at its highest passing rate (nil where none passed), so that a caller
    /// reporting that run need not simulate it again.
    func runKeepingPassingRuns(pools: [PoolSpec], startRequestsPerSecond: Double) throws -> (outcome: Outcome, passing: [SimulationResult?]) {
        let results = try seeds.concurrentMap { seed in try search(pools: pools, seed: seed, start: startRequestsPerSecond) }
        let passing = results.map(\.seed.passingRequestsPerSecond).sorted()
        let median = passing.isEmpty ? 0 : Statistics.percentileOfSorted(passing, 0.5)
        let low = passing.first ?? 0, high = passing.last ?? 0
        let outcome = Outcome(requestsPerSecond: median, minRequestsPerSecond: low, maxRequestsPerSecond: high,
                              seedSpreadPercent: median > 0 ? 100 * (high - low) / median : 0, relativeTolerance: relativeTolerance,
                              durationSeconds: simulation.durationSeconds ?? simulation.scenario.workload.arrivalSeconds ?? 0,
                              seeds: results.map(\.seed))
        return (outcome, results.map(\.run))
    }

    /// One seed's bracket and bisection. Runs past capacity stop once their miss is settled
    /// (`ScenarioSimulation.verdict`): only the verdict is read, and it is the finished run's.
    func search(pools: [PoolSpec], seed: UInt64, start: Double) throws -> (seed: SeedResult, run: SimulationResult?) {
        var runs = 0
        // Each passing rate is above the ones before it (the bracket climbs, bisection raises `pass`), so
        // the last passing run is the one at the highest.
        var highestPassing: SimulationResult?
        func passes(_ rate: Double) throws -> Bool {
            var run = simulation
            run.seed = seed
            run.ratePerSecond = rate
            runs += 1
            guard let result = stopsAtSettledMiss ? try run.verdict(pools: pools) : try run.run(pools: pools), result.sloMet else { return false }
            highestPassing = result
            return true
        }
        var rate = min(max(start, lowestRequestsPerSecond), highestRequestsPerSecond)
        var low: Double?, high: Double?
        if try passes(rate) {
            low = rate
            while high == nil, rate < highestRequestsPerSecond {
                rate = min(rate * bracketFactor, highestRequestsPerSecond)
                if try passes(rate) { low = rate } else { high = rate }
            }
        } else {
            high = rate
            while low == nil, rate > lowestRequestsPerSecond {
                rate = max(rate / bracketFactor, lowestRequestsPerSecond)
                if try passes(rate) { low = rate } else { high = rate }
            }
        }
        guard var pass = low else {
            return (SeedResult(seed: seed, passingRequestsPerSecond: 0, failingRequestsPerSecond: high, simulations: runs), nil)
        }
        if var fail = high {
            while fail / pass > 1 + relativeTolerance {
                let middle = (pass * fail).squareRoot()
                if try passes(middle) { pass = middle } else { fail = middle }
            }
            high = fail
        }
        return (SeedResult(seed: seed, passingRequestsPerSecond: pass, failingRequestsPerSecond: high, simulations: runs), highestPassing)
    }
}
