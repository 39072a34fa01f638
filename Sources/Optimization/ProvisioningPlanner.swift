import ClusterModel
import Foundation
import Throughput

/// What to plan: the scenario with any command-line overrides applied.
public struct PlanRequest: Sendable {
    public var scenario: Scenario
    public var traces: [URL: Trace]
    public var design: Design?
    public var objective: Objective?
    public var budget: Budget?
    public var ratePerSecond: Double?
    public var model: ModelID?

    public init(scenario: Scenario, traces: [URL: Trace], design: Design? = nil, objective: Objective? = nil,
                budget: Budget? = nil, ratePerSecond: Double? = nil, model: ModelID? = nil) {
        self.scenario = scenario
        self.traces = traces
        self.design = design
        self.objective = objective
        self.budget = budget
        self.ratePerSecond = ratePerSecond
        self.model = model
    }
}

/// Solves the provisioning program for each design the request names and picks the best.
public struct ProvisioningPlanner: Sendable {
    public var catalog: Catalog
    public var solver: any MILPSolver
    public var options: SolveOptions
    public var promptBuckets = 4
    public var outputBuckets = 4
    public var sampleCount = 20_000
    public var seed: UInt64 = 1

    public init(catalog: Catalog, solver: any MILPSolver, options: SolveOptions = SolveOptions()) {
        self.catalog = catalog
        self.solver = solver
        self.options = options
    }

    /// One plan per design, best first (feasible before infeasible; then by the objective).
    public func plan(_ request: PlanRequest) throws -> [ProvisioningPlan] {
        let designs = request.design.map { [$0] } ?? request.scenario.designs
        let objective = request.objective ?? request.scenario.objective
        let plans = try designs.enumerated().map { index, design in try plan(request, design: design, designIndex: index) }
        return plans.enumerated().sorted { lhs, rhs in
            if lhs.element.feasible != rhs.element.feasible { return lhs.element.feasible }
            let key = { (plan: ProvisioningPlan) -> Double in
                switch objective {
                case .minCost: return plan.costPerHourUSD
                case .minPower: return plan.powerKW
                case .maxThroughput: return -plan.requestsPerSecond
                }
            }
            return key(lhs.element) != key(rhs.element) ? key(lhs.element) < key(rhs.element) : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// Decode batches sized to these fractions of the TBT targets: a smaller batch decodes faster and leaves
    /// E2E room for queueing before prefill. Each level is one program; the best plan wins.
    public static let tbtHeadroomLevels = [1.0, 0.9, 0.8, 0.7]

    func plan(_ request: PlanRequest, design: Design, designIndex: Int) throws -> ProvisioningPlan {
        let objective = request.objective ?? request.scenario.objective
        var best: ProvisioningPlan?
        var totalSeconds = 0.0
        for headroom in Self.tbtHeadroomLevels {
            let (input, slo, model) = try prepare(request, design: design, designIndex: designIndex, tbtHeadroom: headroom)
            let plan = try ProvisioningSolve(input: input, solver: solver, options: options, slo: slo, objective: objective, model: model.id).run()
            totalSeconds += plan.solver.seconds
            if best.map({ Self.better(plan, than: $0, objective) }) ?? true { best = plan }
        }
        guard var chosen = best else { throw OptimizationError.invalidModel("no TBT headroom levels to try") }
        chosen.solver.seconds = totalSeconds
        return chosen
    }

    static func better(_ plan: ProvisioningPlan, than other: ProvisioningPlan, _ objective: Objective) -> Bool {
        if plan.feasible != other.feasible { return plan.feasible }
        switch objective {
        case .minCost: return plan.costPerHourUSD < other.costPerHourUSD - 1e-9
        case .minPower: return plan.powerKW < other.powerKW - 1e-9
        case .maxThroughput: return plan.requestsPerSecond > other.requestsPerSecond * (1 + 1e-9)
        }
    }

    /// The integer program for one design, as the first solve sees it (for export to other solvers).
    public func linearModel(_ request: PlanRequest, design: Design) throws -> LinearModel {
        let (input, _, _) = try prepare(request, design: design, designIndex: 0, tbtHeadroom: 1)
        switch request.objective ?? request.scenario.objective {
        case .minCost: return ProvisioningFormulation(input, goal: .minCost, fixedScale: 1).model
        case .minPower: return ProvisioningFormulation(input, goal: .minPower, fixedScale: 1).model
        case .maxThroughput: return ProvisioningFormulation(input, goal: .maxScale, fixedScale: nil).model
        }
    }

    private func prepare(_ request: PlanRequest, design: Design, designIndex: Int, tbtHeadroom: Double) throws -> (ProvisioningInput, SLOTargets, ModelSpec) {
        let scenario = request.scenario
        let model = try catalog.model(request.model ?? scenario.model, file: scenario.file.path, jsonPath: "model")
        var sample = try scenario.workload.sample(traces: request.traces, count: sampleCount, seed: seed)
        if let rate = request.ratePerSecond { sample.ratePerSecond = rate }
        let classes = WorkloadClasses.make(sample, promptBuckets: promptBuckets, outputBuckets: outputBuckets)
        let reference = try scenario.slo.referenceMachine.map { id -> RooflineModel in
            let machine = try catalog.machine(id, file: scenario.file.path, jsonPath: "slo.referenceMachine")
            return RooflineModel(try Deployment(model: model, machine: machine, catalog: catalog, tensorParallel: scenario.tensorParallel))
        }
        let slo = SLOTargets(slo: scenario.slo, classes: classes, reference: reference)
        let input = try ProvisioningInputBuilder(catalog: catalog, scenario: scenario, model: model, design: design,
                                                 designIndex: designIndex, classes: classes, slo: slo,
                                                 budget: request.budget ?? scenario.budget, tbtHeadroom: tbtHeadroom).build()
        return (input, slo, model)
    }
}
