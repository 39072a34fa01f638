import ClusterModel
import Foundation
import Optimization
import Simulation

/// Plan, then simulate the plan on the scenario's workload; while the simulation misses an SLO, tighten
/// the formulation (plan for a higher arrival rate, so every pool gets headroom) and solve again.
public struct PlanVerifier: Sendable {
    public struct Round: Sendable, Codable, Equatable {
        public var round: Int
        /// The arrival rate the program was solved for, as a multiple of the scenario's.
        public var planningRateFactor: Double
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

    public static let maximumRounds = 4
    public static let tightening = 0.2

    public var planner: ProvisioningPlanner
    public var simulation: ScenarioSimulation

    public init(planner: ProvisioningPlanner, simulation: ScenarioSimulation) {
        self.planner = planner
        self.simulation = simulation
    }

    static func meanRate(_ requests: [Request]) -> Double {
        guard let last = requests.last, last.arrivalSeconds > 0, requests.count > 1 else { return 0 }
        return Double(requests.count - 1) / last.arrivalSeconds
    }

    /// `request` fixes the design to verify (the best one the planner finds when nil).
    public func verify(_ request: PlanRequest) throws -> Outcome {
        var rounds: [Round] = []
        var request = request
        let baseRate = try request.ratePerSecond ?? Self.meanRate(try simulation.requests())
        for round in 0..<Self.maximumRounds {
            let factor = 1 + Self.tightening * Double(round)
            var tightened = request
            tightened.ratePerSecond = baseRate * factor
            guard var plan = try planner.plan(tightened).first, plan.feasible else { break }
            request.design = Design(rawValue: plan.design)
            plan.requestsPerSecond = baseRate
            let pools = plan.pools.map { PoolSpec(role: $0.role, machine: MachineID($0.machine), powerCap: $0.powerCap, count: $0.count) }
            var run = simulation
            run.ratePerSecond = request.ratePerSecond
            let simulated = try run.run(pools: pools)
            rounds.append(Round(round: round + 1, planningRateFactor: factor, plan: plan, simulated: simulated))
            if simulated.sloMet { return Outcome(rounds: rounds, verified: true) }
        }
        return Outcome(rounds: rounds, verified: false)
    }
}
