import ClusterModel
import Foundation
import Optimization
import Simulation

/// Plan, then check the plan in the simulator and move it to the smallest cluster the simulator accepts.
/// - min-cost and min-power: simulate at the planned rate; while an SLO is missed, grow every pool by 15 %;
///   then shrink each pool, most expensive machine first, to the least count that still meets every SLO
///   (bisection on the count, the other pools held), until no pool shrinks. Removing any one machine of
///   the result makes the simulation miss an SLO.
/// - max-throughput: the budget fixes the pools; the verified rate is the highest at which the simulator
///   shows every SLO met (a capacity search with the simulation's seed).
public struct PlanVerifier: Sendable {
    public struct Round: Sendable, Codable, Equatable {
        public var round: Int
        /// What this round tried: `planned`, `grow x1.15`, `shrink prompt:dgx-h100 to 24`, `capacity search`.
        public var action: String
        public var plan: ProvisioningPlan
        public var simulated: SimulationResult
    }

    public struct Outcome: Sendable, Codable, Equatable {
        public var rounds: [Round]
        public var verified: Bool
        /// The verified plan and its simulation (the last round that met every SLO).
        @NullEncodable public var final: Round?

        /// Zeroes solver and simulation times, the only figures that differ between identical runs.
        public mutating func zeroTimings() {
            for index in rounds.indices {
                rounds[index].plan.solver.seconds = 0
                rounds[index].simulated.wallSeconds = 0
            }
            final?.plan.solver.seconds = 0
            final?.simulated.wallSeconds = 0
        }
    }

    public static let growthFactor = 1.15
    public static let maximumGrowth = 4.0

    public var planner: ProvisioningPlanner
    public var simulation: ScenarioSimulation
    /// `CapacitySearch.stopsAtSettledMiss` for max-throughput plans.
    public var stopsAtSettledMiss = true

    public init(planner: ProvisioningPlanner, simulation: ScenarioSimulation) {
        self.planner = planner
        self.simulation = simulation
    }

    /// `request` fixes the design to verify (the best one the planner finds when nil).
    public func verify(_ request: PlanRequest) throws -> Outcome {
        guard let plan = try planner.plan(request).first, plan.feasible else { return Outcome(rounds: [], verified: false, final: nil) }
        let objective = request.objective ?? request.scenario.objective
        let pools = plan.poolCounts
        var session = Session(verifier: self, request: request, design: plan.design)
        if objective == .maxThroughput {
            var search = CapacitySearch(simulation: simulation, seeds: [simulation.seed])
            search.stopsAtSettledMiss = stopsAtSettledMiss
            let (capacity, passing) = try search.runKeepingPassingRuns(pools: pools, startRequestsPerSecond: plan.requestsPerSecond)
            // One seed, the simulation's own: its run at the rate found is the search's last passing run.
            try session.simulate(pools, rate: capacity.requestsPerSecond, action: "planned, then capacity search", base: plan,
                                 known: passing.first ?? nil)
            return session.outcome
        }
        let rate = plan.requestsPerSecond
        var current = pools
        var met = try session.simulate(current, rate: rate, action: "planned", base: plan)
        var growth = 1.0
        while !met, growth * Self.growthFactor <= Self.maximumGrowth {
            growth *= Self.growthFactor
            current = pools.map { var grown = $0; grown.count = Int((Double($0.count) * growth).rounded(.up)); return grown }
            met = try session.simulate(current, rate: rate, action: "grow x\(String(format: "%.2f", growth))", base: nil)
        }
        guard met else { return session.outcome }
        try shrink(&current, rate: rate, session: &session)
        return session.outcome
    }

    /// Each pool in turn (most expensive machine first) to its least passing count, until a pass changes nothing.
    private func shrink(_ pools: inout [PoolCount], rate: Double, session: inout Session) throws {
        let order = try pools.indices.sorted { lhs, rhs in
            let a = try planner.catalog.machine(pools[lhs].machine, file: "cluster", jsonPath: "pools").pricePerHourUSD
            let b = try planner.catalog.machine(pools[rhs].machine, file: "cluster", jsonPath: "pools").pricePerHourUSD
            return a != b ? a > b : lhs < rhs
        }
        var changed = true
        while changed {
            changed = false
            for index in order where pools[index].count > 1 {
                // Bisection for the least count in [1, count] that meets every SLO, the other pools held.
                var passing = pools[index].count, low = 0
                while passing - low > 1 {
                    let middle = (passing + low) / 2
                    var trial = pools
                    trial[index].count = middle
                    let label = "shrink \(pools[index].role.rawValue):\(pools[index].optionLabel) to \(middle)"
                    if try session.simulate(trial, rate: rate, action: label, base: nil) { passing = middle } else { low = middle }
                }
                if passing < pools[index].count {
                    pools[index].count = passing
                    changed = true
                }
            }
        }
    }

    /// The rounds so far, and the last cluster that met every SLO.
    private struct Session {
        var verifier: PlanVerifier
        var request: PlanRequest
        var design: String
        var outcome = Outcome(rounds: [], verified: false, final: nil)
        /// Clusters already simulated (at the one rate of a search), so a second shrinking pass does not repeat them.
        var seen: [[PoolCount]: Bool] = [:]

        init(verifier: PlanVerifier, request: PlanRequest, design: String) {
            self.verifier = verifier
            self.request = request
            self.design = design
        }

        /// Simulates `pools` at `rate`; `base` is the plan when it is the planner's own (else the planner evaluates the pools);
        /// `known`: the run itself, when a search has just simulated it.
        @discardableResult
        mutating func simulate(_ pools: [PoolCount], rate: Double, action: String, base: ProvisioningPlan?,
                               known run: SimulationResult? = nil) throws -> Bool {
            if let known = seen[pools] { return known }
            var simulation = verifier.simulation
            simulation.ratePerSecond = rate
            let simulated = try run ?? simulation.run(pools: pools)
            var plan = try base ?? verifier.planner.evaluate(request, pools: pools, design: design)
            if base == nil || action.contains("capacity") {
                plan.sustainableRequestsPerSecond = try verifier.planner.predictedCapacity(request, pools: pools)
                plan.requestsPerSecond = rate
            }
            let round = Round(round: outcome.rounds.count + 1, action: action, plan: plan, simulated: simulated)
            outcome.rounds.append(round)
            seen[pools] = simulated.sloMet
            if simulated.sloMet {
                outcome.final = round
                outcome.verified = true
            }
            return simulated.sloMet
        }
    }
}
