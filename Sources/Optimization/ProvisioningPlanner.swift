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
    /// Which plans carry their predicted latencies (a bisection per SLO target each).
    public var predictedLatencies = LatencyPrediction.everyPlan

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

/// Which of a request's plans get predicted latencies: a report that shows the best plan's alone need
/// not pay for the others' (each is a bisection per SLO target), and a sweep reports none.
public enum LatencyPrediction: Sendable {
    case everyPlan, bestPlan, none
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
    /// Leaves out of min-cost and min-power programs the mixed options a bound shows cannot be in the best
    /// plan (`mixedLowerBounds`); off, every option gets its curve (the same plans, for tests and benchmarks).
    public var boundsMixedOptions = true

    public init(catalog: Catalog, solver: any MILPSolver, options: SolveOptions = SolveOptions()) {
        self.catalog = catalog
        self.solver = solver
        self.options = options
    }

    /// One plan per design, best first (feasible before infeasible; then by the objective).
    public func plan(_ request: PlanRequest) throws -> [ProvisioningPlan] {
        try plan(request, context: try context(request))
    }

    func plan(_ request: PlanRequest, context: PlanningContext) throws -> [ProvisioningPlan] {
        let designs = request.design.map { [$0] } ?? request.scenario.designs
        let objective = request.objective ?? request.scenario.objective
        let every = request.predictedLatencies == .everyPlan
        // Designs are independent programs: planned side by side, each with profiles of its own (no cache is
        // touched by two threads, and a design's plan does not depend on which others were planned first).
        // Every plan's latencies are predicted there too, side by side; the best plan's alone after the sort.
        let plans = try Array(designs.enumerated()).concurrentMap { index, design -> Deferred in
            var own = context
            if designs.count > 1 { own.cache = context.designCaches.value(for: index) { ProfileCache(keys: context.cache.keys) } }
            let deferred = try plan(request, context: own, design: design, designIndex: index)
            return every ? (deferred.plan.withLatencies(deferred.latencies()), { [] }) : deferred
        }
        var sorted = plans.enumerated().sorted { lhs, rhs in
            if lhs.element.plan.feasible != rhs.element.plan.feasible { return lhs.element.plan.feasible }
            let key = { (plan: ProvisioningPlan) -> Double in
                switch objective {
                case .minCost: return plan.costPerHourUSD
                case .minPower: return plan.powerKW
                case .maxThroughput: return -plan.requestsPerSecond
                }
            }
            return key(lhs.element.plan) != key(rhs.element.plan) ? key(lhs.element.plan) < key(rhs.element.plan) : lhs.offset < rhs.offset
        }.map(\.element)
        if request.predictedLatencies == .bestPlan, let best = sorted.first { sorted[0] = (best.plan.withLatencies(best.latencies()), { [] }) }
        return sorted.map(\.plan)
    }

    /// Decode batches sized to these fractions of the TBT targets: a smaller batch decodes faster and leaves
    /// E2E room for queueing before prefill. Each level is one program; the best plan wins.
    public static let tbtHeadroomLevels = [1.0, 0.9, 0.8, 0.7]
    /// Rounds of the pool-size fixed point per headroom level, where a program holds caps of given pool
    /// sizes rather than capacity curves (a schedule's periods).
    public static let poolSizeRounds = 4

    static func label(_ pool: ProvisioningPlan.Pool) -> String {
        pool.powerCap == 1 ? pool.machine : "\(pool.machine)@\(String(pool.powerCap))"
    }

    /// Instances per pool of a plan, keyed as the builder expects.
    static func poolServers(_ plan: ProvisioningPlan, input: ProvisioningInput) -> [String: Int] {
        var servers: [String: Int] = [:]
        for pool in plan.pools {
            let instances = input.profiles.first { $0.option.label == label(pool) }?.option.deployment.instancesPerMachine ?? 1
            servers[ProvisioningFormulation.poolKey(label(pool), pool.role), default: 0] += pool.count * instances
        }
        return servers
    }

    /// One design's plan, and how to predict its latencies.
    typealias Deferred = ProvisioningSolve.Deferred

    func plan(_ request: PlanRequest, context: PlanningContext, design: Design, designIndex: Int) throws -> Deferred {
        let solved = try solve(request, context: context, design: design, designIndex: designIndex)
        var plan = solved.plan
        if !plan.feasible, request.budget ?? request.scenario.budget != Budget() {
            plan.relaxation = try relaxation(request, context: context, design: design, designIndex: designIndex, note: plan.relaxation?.note)
        }
        return (plan, solved.latencies)
    }

    /// The best plan over the TBT headroom levels, and the program whose solution it is. Each level's program
    /// holds every pool's capacity at every size it may take (`CapacityCurve`), so one solve answers it; the
    /// plan is then read with the caps of the sizes chosen.
    /// The plan's latencies are left to predict (`latencies`), for the reports that show them.
    func solve(_ request: PlanRequest, context: PlanningContext, design: Design, designIndex: Int)
        throws -> (plan: ProvisioningPlan, input: ProvisioningInput, latencies: @Sendable () -> [ProvisioningPlan.Latency]) {
        let objective = request.objective ?? request.scenario.objective
        var best: Candidate?
        var totalSeconds = 0.0, totalSolves = 0, unproven = false
        let demanded = context.classes.reduce(0) { $0 + $1.ratePerSecond }
        /// One headroom level's program, with the mixed options `kept` (nil: all); the best plan so far bounds its search.
        func solveLevel(_ headroom: Double, kept: Set<String>?) throws -> ProvisioningInput {
            let input = try prepare(request, context: context, design: design, designIndex: designIndex, tbtHeadroom: headroom, curves: true,
                                    mixedOptionsKept: kept)
            let sized = { (servers: [String: Int]) in
                try self.prepare(request, context: context, design: design, designIndex: designIndex, tbtHeadroom: headroom,
                                 poolServers: servers, twinsLeftOut: true, mixedOptionsKept: kept)
            }
            // Later levels need only be solved for a better plan: the earlier optimum bounds their search.
            let solve = ProvisioningSolve(input: input, solver: solver, options: options, slo: context.slo, objective: objective,
                                          model: context.model.id, sized: sized,
                                          mustBeat: best.flatMap { Self.figureToBeat($0.plan, objective, demanded: demanded) })
            switch try solve.runIfBetter() {
            case .noneBetter(let seconds):
                totalSeconds += seconds
                totalSolves += 1
            case .plan(let (plan, latencies)):
                totalSeconds += plan.solver.seconds
                totalSolves += plan.solver.solves
                unproven = unproven || [.feasible, .timeLimit].contains(plan.solver.status)
                if best.map({ Self.better(plan, than: $0.plan, objective) }) ?? true { best = (plan, input, latencies, sized) }
            }
            return input
        }
        // Many mixed options: first the program with the one whose bound is lowest; its plan leaves out every
        // option whose bound is above it, and the full levels are solved with the rest.
        var kept: Set<String>?, levels = Self.tbtHeadroomLevels[...]
        if boundsMixedOptions, let bounds = try mixedLowerBounds(request, context: context, design: design, designIndex: designIndex, objective: objective),
           let lowest = bounds.min(by: { $0.lowerBound < $1.lowerBound }) {
            let first = try solveLevel(Self.tbtHeadroomLevels[0], kept: [lowest.label])
            if let found = best, found.plan.feasible, let value = found.plan.solver.objectiveValue {
                kept = Set(bounds.filter { $0.lowerBound <= value * (1 + Self.mixedBoundMargin) }.map(\.label)).union([lowest.label])
                // Nothing left out beyond what that program held: it was this level's whole program.
                if kept == [lowest.label] { levels = first.dependsOnTBTHeadroom ? levels.dropFirst() : [] }
            }
        }
        for headroom in levels {
            let input = try solveLevel(headroom, kept: kept)
            if !input.dependsOnTBTHeadroom { break }
        }
        guard var chosen = best else { throw OptimizationError.invalidModel("no TBT headroom levels to try") }
        let settled = try breakingTie(chosen, objective: objective, context: context)
        (chosen, totalSeconds, totalSolves) = (settled.candidate, totalSeconds + settled.seconds, totalSolves + settled.solves)
        chosen.plan.solver.seconds = totalSeconds
        chosen.plan.solver.solves = totalSolves
        // A level stopped by the time limit might have held a better plan: the answer is the best found, not
        // a proven optimum, and the report says so.
        if unproven, chosen.plan.feasible, chosen.plan.solver.status == .optimal {
            chosen.plan.solver.status = .feasible
            chosen.plan.solver.gap = nil
        }
        let none: @Sendable () -> [ProvisioningPlan.Latency] = { [] }
        return (chosen.plan, chosen.input, request.predictedLatencies == .none ? none : chosen.latencies)
    }

    /// A plan found over the headroom levels: the program's input, its latencies to come, and how to read
    /// the program at given pool sizes.
    typealias Candidate = (plan: ProvisioningPlan, input: ProvisioningInput, latencies: @Sendable () -> [ProvisioningPlan.Latency],
                           sized: ([String: Int]) throws -> ProvisioningInput)

    /// For an infeasible budget: the least cost (or power) cap that serves the rate, and the largest rate the
    /// caps allow, each by the planner itself.
    private func relaxation(_ request: PlanRequest, context: PlanningContext, design: Design, designIndex: Int,
                            note: String?) throws -> ProvisioningPlan.Relaxation {
        let budget = request.budget ?? request.scenario.budget
        var open = request
        open.budget = Budget()
        var relaxation = ProvisioningPlan.Relaxation(note: note ?? "the caps are too tight for this rate")
        if budget.costPerHourUSD != nil {
            open.objective = .minCost
            let cheapest = try solve(open, context: context, design: design, designIndex: designIndex).plan
            relaxation.costPerHourUSD = cheapest.feasible ? cheapest.costPerHourUSD : nil
        }
        if budget.powerKW != nil {
            open.objective = .minPower
            let leanest = try solve(open, context: context, design: design, designIndex: designIndex).plan
            relaxation.powerKW = leanest.feasible ? leanest.powerKW : nil
        }
        var widest = request
        widest.objective = .maxThroughput
        let most = try solve(widest, context: context, design: design, designIndex: designIndex).plan
        relaxation.maxRequestsPerSecond = most.feasible ? most.requestsPerSecond : 0
        return relaxation
    }

    /// What a later program must beat to improve on `plan`: its objective value, or for max-throughput its
    /// arrival-rate scale, the planned rate over the `demanded` one (nil when the plan is infeasible).
    static func figureToBeat(_ plan: ProvisioningPlan, _ objective: Objective, demanded: Double) -> Double? {
        guard plan.feasible else { return nil }
        switch objective {
        case .minCost, .minPower: return plan.solver.objectiveValue
        case .maxThroughput: return demanded > 0 ? plan.requestsPerSecond / demanded : nil
        }
    }

    static func better(_ plan: ProvisioningPlan, than other: ProvisioningPlan, _ objective: Objective) -> Bool {
        if plan.feasible != other.feasible { return plan.feasible }
        switch objective {
        case .minCost: return plan.costPerHourUSD < other.costPerHourUSD - 1e-9
        case .minPower: return plan.powerKW < other.powerKW - 1e-9
        case .maxThroughput: return plan.requestsPerSecond > other.requestsPerSecond * (1 + 1e-9)
        }
    }

    /// The integer program whose solution `plan` reports for one design (for export to other solvers).
    public func linearModel(_ request: PlanRequest, design: Design) throws -> LinearModel {
        let input = try solve(request, context: try context(request), design: design, designIndex: 0).input
        switch request.objective ?? request.scenario.objective {
        case .minCost: return ProvisioningFormulation(input, goal: .minCost, fixedScale: 1).model
        case .minPower: return ProvisioningFormulation(input, goal: .minPower, fixedScale: 1).model
        case .maxThroughput: return ProvisioningFormulation(input, goal: .maxScale, fixedScale: nil).model
        }
    }

    /// What every design of one request shares: the model, the workload classes and the SLO targets.
    struct PlanningContext: Sendable {
        var model: ModelSpec
        var classes: [WorkloadClass]
        var slo: SLOTargets
        var cache = ProfileCache()
        /// One cache per design (by its place in the request) where a request plans several side by side.
        var designCaches = LockedMemo<Int, ProfileCache>()
    }

    func context(_ request: PlanRequest) throws -> PlanningContext {
        let scenario = request.scenario
        let model = try catalog.model(request.model ?? scenario.model, file: scenario.file.path, jsonPath: "model")
        var sample = try scenario.workload.sample(traces: request.traces, count: sampleCount, seed: seed)
        if let rate = request.ratePerSecond { sample.ratePerSecond = rate }
        try checkRequestsFit(sample, scenario: scenario, model: model)
        let classes = WorkloadClasses.make(sample, promptBuckets: promptBuckets, outputBuckets: outputBuckets)
        let reference = try scenario.slo.referenceMachine.map { id -> RooflineModel in
            let machine = try catalog.machine(id, file: scenario.file.path, jsonPath: "slo.referenceMachine")
            return RooflineModel(try Deployment(model: model, machine: machine, catalog: catalog, tensorParallel: scenario.tensorParallel))
        }
        return PlanningContext(model: model, classes: classes, slo: SLOTargets(slo: scenario.slo, classes: classes, reference: reference))
    }

    func prepare(_ request: PlanRequest, context: PlanningContext, design: Design, designIndex: Int, tbtHeadroom: Double,
                 poolServers: [String: Int] = [:], restriction: DesignRestriction? = nil, curves: Bool = false,
                 twinsLeftOut: Bool = false, mixedOptionsKept: Set<String>? = nil) throws -> ProvisioningInput {
        try ProvisioningInputBuilder(catalog: catalog, scenario: request.scenario, model: context.model, design: design,
                                     designIndex: designIndex, classes: context.classes, slo: context.slo,
                                     budget: request.budget ?? request.scenario.budget, tbtHeadroom: tbtHeadroom,
                                     poolServers: poolServers, cache: context.cache,
                                     restrictionOverride: restriction, buildsCapacityCurves: curves,
                                     leavesOutDearerTwins: twinsLeftOut,
                                     curvesReachBudget: (request.objective ?? request.scenario.objective) == .maxThroughput,
                                     mixedOptionsKept: mixedOptionsKept).build()
    }

}

extension ProvisioningPlanner {
    /// A request whose context (prompt + output) needs more KV cache than any candidate machine holds can
    /// never be served (the simulator drops it), so no plan can meet the SLOs: say which and how to proceed.
    func checkRequestsFit(_ sample: WorkloadSample, scenario: Scenario, model: ModelSpec) throws {
        var largest: (tokens: Int, machine: String)?
        for machine in try scenario.candidateMachines(in: catalog) {
            guard let deployment = try? Deployment(model: model, machine: machine, catalog: catalog, tensorParallel: scenario.tensorParallel)
            else { continue }
            let tokens = MemoryModel(deployment).kvCapacityTokens
            if tokens > largest?.tokens ?? -1 { largest = (tokens, machine.id.rawValue) }
        }
        guard let largest else { return }
        let contexts = sample.sizes.map { $0.promptTokens + $0.outputTokens }
        let tooLong = contexts.filter { $0 > largest.tokens }.count
        guard tooLong > 0, let longest = contexts.max() else { return }
        let share = 100 * Double(tooLong) / Double(contexts.count)
        throw ClusterModelError.invalidValue(
            path: scenario.file.path, jsonPath: "workload", value: "requests of up to \(longest) tokens (prompt + output)",
            allowed: "requests whose KV cache fits one candidate machine: at most \(largest.tokens) tokens of \(model.id) on \(largest.machine); "
                + String(format: "%.2f", share) + " % of the sampled requests are longer; shorten them, or add a machine with more memory")
    }
}
