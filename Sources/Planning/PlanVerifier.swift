import ClusterModel
import Foundation
import Optimization
import Simulation

/// Plan, then simulate the plan on the scenario's workload; while the simulation misses an SLO, tighten
/// the formulation (scale every utilisation cap down, so every pool gets headroom) and solve again.
public struct PlanVerifier: Sendable {
    public struct Round: Sendable, Codable, Equatable {
        public var round: Int
        /// The factor every utilisation cap was scaled by in this round.
        public var utilisationScale: Double
        public var plan: ProvisioningPlan
        public var simulated: SimulationResult
    }

    public struct Outcome: Sendable, Codable, Equatable {
        public var rounds: [Round]
        public var verified: Bool

        public var final: Round? { rounds.last }

        /// Zeroes solver and simulation times, the only figures that differ between identical runs.
        public mutating func zeroTimings() {
            for index in rounds.indices {
                rounds[index].plan.solver.seconds = 0
                rounds[index].simulated.wallSeconds = 0
            }
        }
    }

    public static let utilisationScales = [1.0, 0.85, 0.7, 0.55]

    public var planner: ProvisioningPlanner
    public var simulation: ScenarioSimulation

    public init(planner: ProvisioningPlanner, simulation: ScenarioSimulation) {
        self.planner = planner
        self.simulation = simulation
    }

    /// `request` fixes the design to verify (the best one the planner finds when nil). The simulation runs
    /// at the rate each plan serves (for max-throughput, the rate it found).
    public func verify(_ request: PlanRequest) throws -> Outcome {
        var rounds: [Round] = []
        var request = request
        for (index, scale) in Self.utilisationScales.enumerated() {
            var tightened = request
            tightened.utilisationScale = scale
            guard let plan = try planner.plan(tightened).first, plan.feasible else { break }
            request.design = Design(rawValue: plan.design)
            let pools = plan.pools.map { PoolSpec(role: $0.role, machine: MachineID($0.machine), powerCap: $0.powerCap, count: $0.count) }
            var run = simulation
            run.ratePerSecond = plan.requestsPerSecond
            let simulated = try run.run(pools: pools)
            rounds.append(Round(round: index + 1, utilisationScale: scale, plan: plan, simulated: simulated))
            if simulated.sloMet { return Outcome(rounds: rounds, verified: true) }
        }
        return Outcome(rounds: rounds, verified: false)
    }
}
