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
    /// Simulations the verification ran (0 without simulation).
    public var verificationRounds: Int
    /// Throughput (planned rate), cost and power as multiples of the baseline row's.
    @NullEncodable public var throughputRatio: Double?
    @NullEncodable public var costRatio: Double?
    @NullEncodable public var powerRatio: Double?

    /// Zeroes the solver's and the simulation's times, the only figures that differ between identical runs.
    public mutating func zeroTimings() {
        plan.solver.seconds = 0
        simulated?.wallSeconds = 0
    }
}

/// Plans each design for budget reviews: designs side by side, baseline vs what-if variants, or several
/// scenarios. With simulation, each plan is verified (`PlanVerifier`): moved to the smallest cluster the
/// simulator accepts, or for max-throughput given the rate the simulator sustains, so every design is
/// compared on figures the simulator confirms.
public struct Comparison: Sendable {
    public var makePlanner: @Sendable (Catalog) -> ProvisioningPlanner
    /// Seconds of arrivals to simulate per plan (nil: no simulation).
    public var simulationSeconds: Double?
    public var seed: UInt64 = 1
    /// The run's wall-clock limit, for the verifying simulations.
    public var deadline: Deadline?
    /// `CapacitySearch.stopsAtSettledMiss` for the verifying searches.
    public var stopsAtSettledMiss = true

    public init(simulationSeconds: Double?, makePlanner: @escaping @Sendable (Catalog) -> ProvisioningPlanner) {
        self.simulationSeconds = simulationSeconds
        self.makePlanner = makePlanner
    }

    /// One scenario (as written, or a what-if variant of it) and the designs to compare on it.
    public struct Question: Sendable {
        public var scenario: Scenario
        public var catalog: Catalog
        public var traces: [URL: Trace]
        public var designs: [Design]
        public var variant: String

        public init(scenario: Scenario, catalog: Catalog, traces: [URL: Trace], designs: [Design], variant: String) {
            self.scenario = scenario
            self.catalog = catalog
            self.traces = traces
            self.designs = designs
            self.variant = variant
        }
    }

    public func rows(scenario: Scenario, catalog: Catalog, traces: [URL: Trace], designs: [Design], variant: String,
                     progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [ComparisonRow] {
        try rows([Question(scenario: scenario, catalog: catalog, traces: traces, designs: designs, variant: variant)], progress: progress)
    }

    /// Every design of every question, all side by side on the cores (no file waits for the slowest design of
    /// the one before), in the questions' order, then the designs'.
    public func rows(_ questions: [Question], progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [ComparisonRow] {
        // Per question: its planner (its catalogue) and the latencies alone that its designs' runs share.
        let shared = questions.map { (planner: makePlanner($0.catalog), isolated: IsolatedLatencyCache()) }
        let work = questions.indices.flatMap { question in questions[question].designs.map { (question: question, design: $0) } }
        return try work.concurrentMap { question, design in
            let (scenario, catalog, traces, variant) = (questions[question].scenario, questions[question].catalog,
                                                        questions[question].traces, questions[question].variant)
            let planner = shared[question].planner
            progress("\(scenario.name) \(variant) \(design.rawValue)")
            let request = PlanRequest(scenario: scenario, traces: traces, design: design)
            if let seconds = simulationSeconds {
                var simulation = ScenarioSimulation(scenario: scenario, catalog: catalog, traces: traces, durationSeconds: seconds, seed: seed)
                simulation.deadline = deadline
                simulation.isolatedLatencies = shared[question].isolated
                var verifier = PlanVerifier(planner: planner, simulation: simulation)
                verifier.stopsAtSettledMiss = stopsAtSettledMiss
                let outcome = try verifier.verify(request)
                if let final = outcome.final {
                    return ComparisonRow(scenario: scenario.name, variant: variant, plan: final.plan, simulated: final.simulated,
                                         verificationRounds: outcome.rounds.count)
                }
            }
            guard let plan = try planner.plan(request).first else {
                throw OptimizationError.invalidModel("no plan for \(design.rawValue)")
            }
            return ComparisonRow(scenario: scenario.name, variant: variant, plan: plan, simulated: nil, verificationRounds: 0)
        }
    }

    /// The variant without `--set` overrides, against which what-if variants are measured.
    public static let unmodifiedVariant = "baseline"

    /// Fills the ratios of every row against the `baseline` design's row of the same scenario in the
    /// unmodified variant: a what-if variant is measured against the cluster it would replace, not against
    /// itself (a 30 % cheaper machine shows 0.70x cost). Without an unmodified row, against its own variant's.
    public static func withRatios(_ rows: [ComparisonRow], baseline: Design) -> [ComparisonRow] {
        rows.map { row in
            var row = row
            let candidates = rows.filter { $0.scenario == row.scenario && $0.plan.design == baseline.rawValue }
            if let reference = candidates.first(where: { $0.variant == unmodifiedVariant }) ?? candidates.first(where: { $0.variant == row.variant }),
               reference.plan.feasible, row.plan.feasible {
                row.throughputRatio = reference.plan.requestsPerSecond > 0 ? row.plan.requestsPerSecond / reference.plan.requestsPerSecond : nil
                row.costRatio = reference.plan.costPerHourUSD > 0 ? row.plan.costPerHourUSD / reference.plan.costPerHourUSD : nil
                row.powerRatio = reference.plan.powerKW > 0 ? row.plan.powerKW / reference.plan.powerKW : nil
            }
            return row
        }
    }
}
