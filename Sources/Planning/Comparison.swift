import ClusterModel
import Foundation
import Optimization
import Simulation

/// One design's answer in a comparison: the plan, its simulation, and ratios against the baseline.
public struct ComparisonRow: Sendable, Codable, Equatable {
    public var scenario: String
    public var variant: String
    public var plan: ProvisioningPlan
    @NullEncodable public var simulated: SimulationResult?
    /// Throughput (planned rate), cost and power as multiples of the baseline row's.
    @NullEncodable public var throughputRatio: Double?
    @NullEncodable public var costRatio: Double?
    @NullEncodable public var powerRatio: Double?
}

/// Plans each design (and simulates each plan) for budget reviews: designs side by side, baseline vs
/// what-if variants, or several scenarios.
public struct Comparison: Sendable {
    public var makePlanner: @Sendable (Catalog) -> ProvisioningPlanner
    /// Seconds of arrivals to simulate per plan (nil: no simulation).
    public var simulationSeconds: Double?
    public var seed: UInt64 = 1

    public init(simulationSeconds: Double?, makePlanner: @escaping @Sendable (Catalog) -> ProvisioningPlanner) {
        self.simulationSeconds = simulationSeconds
        self.makePlanner = makePlanner
    }

    public func rows(scenario: Scenario, catalog: Catalog, traces: [URL: Trace], designs: [Design], variant: String,
                     progress: (String) -> Void = { _ in }) throws -> [ComparisonRow] {
        let planner = makePlanner(catalog)
        return try designs.map { design in
            progress("\(scenario.name) \(variant) \(design.rawValue)")
            guard let plan = try planner.plan(PlanRequest(scenario: scenario, traces: traces, design: design)).first else {
                throw OptimizationError.invalidModel("no plan for \(design.rawValue)")
            }
            var simulated: SimulationResult?
            if let seconds = simulationSeconds, plan.feasible {
                let pools = plan.pools.map { PoolSpec(role: $0.role, machine: MachineID($0.machine), powerCap: $0.powerCap, count: $0.count) }
                let simulation = ScenarioSimulation(scenario: scenario, catalog: catalog, traces: traces, ratePerSecond: plan.requestsPerSecond,
                                                    durationSeconds: seconds, seed: seed)
                simulated = try simulation.run(pools: pools)
            }
            return ComparisonRow(scenario: scenario.name, variant: variant, plan: plan, simulated: simulated)
        }
    }

    /// Fills the ratios of every row against the row of `baseline` with the same scenario and variant.
    public static func withRatios(_ rows: [ComparisonRow], baseline: Design) -> [ComparisonRow] {
        rows.map { row in
            var row = row
            if let reference = rows.first(where: { $0.scenario == row.scenario && $0.variant == row.variant && $0.plan.design == baseline.rawValue }),
               reference.plan.feasible, row.plan.feasible {
                row.throughputRatio = reference.plan.requestsPerSecond > 0 ? row.plan.requestsPerSecond / reference.plan.requestsPerSecond : nil
                row.costRatio = reference.plan.costPerHourUSD > 0 ? row.plan.costPerHourUSD / reference.plan.costPerHourUSD : nil
                row.powerRatio = reference.plan.powerKW > 0 ? row.plan.powerKW / reference.plan.powerKW : nil
            }
            return row
        }
    }
}
