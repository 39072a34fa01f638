import ClusterModel
import Foundation

/// Solves one design's program and reads the answer back as a `ProvisioningPlan`.
struct ProvisioningSolve {
    var input: ProvisioningInput
    var solver: any MILPSolver
    var options: SolveOptions
    var slo: SLOTargets
    var objective: Objective
    var model: ModelID
    /// Machine counts to hold (by pool key): the planner's view of a given cluster; budgets are then not enforced.
    var fixedCounts: [String: Double]? = nil
    /// The same input with the caps of given pool sizes (instances by pool key), to read a plan of a
    /// program that holds capacity curves: its utilisation caps, latencies and sustainable rate at its sizes.
    var sized: (([String: Int]) throws -> ProvisioningInput)? = nil
    /// An earlier program's answer that this one must beat to matter (its objective value for min-cost and
    /// min-power, its arrival-rate scale for max-throughput): a row holds the objective beyond it by a part
    /// in a million (less is within the solver's tolerances: an equal plan would pass), so the search prunes
    /// every branch that cannot, and a program with no such plan answers `noneBetter` at once.
    var mustBeat: Double? = nil
    /// Min-cost (min-power) only: the cost (power) of a plan found, held while the program minimises power
    /// (cost) instead. The objective's own small weight on the other figure sits inside the solver's
    /// relative gap, so between plans of equal cost it does not reliably pick the leaner one; this does.
    var tieBreakHolding: Double? = nil
    /// Passed to `PlanReader.boundsTails`.
    var boundsTails = true

    func run() throws -> ProvisioningPlan {
        let (plan, latencies) = try runDeferringLatencies()
        var complete = plan
        complete.latencies = latencies()
        return complete
    }

    /// A plan without its predicted latencies, and how to compute them.
    typealias Deferred = (plan: ProvisioningPlan, latencies: @Sendable () -> [ProvisioningPlan.Latency])

    /// The plan without its predicted latencies, and how to compute them: a search over many candidate
    /// programs predicts them (a bisection per SLO) only for the plan it reports.
    func runDeferringLatencies() throws -> Deferred {
        switch try runIfBetter() {
        case .plan(let deferred): return deferred
        case .noneBetter: throw OptimizationError.invalidModel("no earlier answer to beat was given")
        }
    }

    enum Outcome {
        case plan(Deferred)
        /// No plan beats `mustBeat`; the solver's seconds spent finding that out.
        case noneBetter(seconds: Double)
    }

    /// As `runDeferringLatencies`, or `noneBetter` when `mustBeat` is set and no plan beats it.
    func runIfBetter() throws -> Outcome {
        let none: @Sendable () -> [ProvisioningPlan.Latency] = { [] }
        let demanded = input.classes.reduce(0) { $0 + $1.ratePerSecond }
        var formulation: ProvisioningFormulation
        var result: SolveResult
        var seconds = 0.0
        switch objective {
        case .minCost, .minPower:
            let goal: ProvisioningFormulation.Goal = (objective == .minCost) == (tieBreakHolding == nil) ? .minCost : .minPower
            formulation = ProvisioningFormulation(input, goal: goal, fixedScale: 1, fixedCounts: fixedCounts, enforceBudget: fixedCounts == nil)
            if let held = tieBreakHolding {
                formulation.model.addConstraint("tie-break-held", objective == .minCost ? formulation.cost : formulation.power, upper: held)
            }
            if let mustBeat { formulation.model.addConstraint("objective-below-earlier", formulation.model.objective, upper: mustBeat * (1 - 1e-6)) }
            result = try solver.solve(formulation.model, options: options)
            seconds = result.seconds
            if mustBeat != nil, result.status == .infeasible { return .noneBetter(seconds: seconds) }
        case .maxThroughput:
            var widest = ProvisioningFormulation(input, goal: .maxScale, fixedScale: nil, fixedCounts: fixedCounts, enforceBudget: fixedCounts == nil)
            if let mustBeat { widest.model.addConstraint("scale-beyond-earlier", LinearExpression(widest.alpha), lower: mustBeat * (1 + 1e-6)) }
            let first = try solver.solve(widest.model, options: options)
            seconds = first.seconds
            if mustBeat != nil, first.status == .infeasible { return .noneBetter(seconds: seconds) }
            let bounded = fixedCounts != nil || input.budget.costPerHourUSD != nil || input.budget.powerKW != nil || !input.availability.isEmpty
            guard first.status.hasSolution, first.value(widest.alpha) > 1e-9, bounded else {
                // Without a cap the question has no answer whatever the solver says (it may stop at the
                // scale's upper bound): say what is missing rather than "infeasible".
                let note = !bounded ? "max-throughput needs a bound: a cost cap (--cost-cap or budget.costPerHourUSD), a power cap "
                    + "(--power-cap or budget.powerKW) or machine availability; without one the throughput has no limit"
                    : first.status == .timeLimit ? timeLimitNote : "no pool mix of this design meets the SLOs within the caps at any rate"
                var outcome = first
                if !bounded { outcome.status = .unbounded }
                return .plan((infeasiblePlan(outcome, formulation: widest, seconds: seconds, note: note), none))
            }
            // Second pass: the cheapest pools that still reach the largest scale.
            let scale = first.value(widest.alpha) * (1 - 1e-7)
            formulation = ProvisioningFormulation(input, goal: .minCost, fixedScale: scale, fixedCounts: fixedCounts, enforceBudget: fixedCounts == nil)
            result = try solver.solve(formulation.model, options: options)
            seconds += result.seconds
        }
        guard result.status.hasSolution else {
            return .plan((infeasiblePlan(result, formulation: formulation, seconds: seconds, note: result.status == .timeLimit ? timeLimitNote : diagnose()), none))
        }
        let counts = formulation.counts.map { result.value($0.variable).rounded() }
        var servers: [String: Int] = [:]
        for (count, machines) in zip(formulation.counts, counts) where machines > 0 {
            servers[ProvisioningFormulation.poolKey(count.label, count.role), default: 0]
                += Int(machines) * input.profiles[count.profile].option.deployment.instancesPerMachine
        }
        let atSizes = try sized?(servers) ?? input
        let sustainable = try Self.sustainedScale(input: atSizes, counts: Self.keyed(formulation, counts), solver: solver, options: options) * demanded
        let scale = result.value(formulation.alpha)
        let reader = PlanReader(input: atSizes, formulation: formulation, result: result, slo: slo, boundsTails: boundsTails)
        let plan = ProvisioningPlan(
            feasible: true, design: input.design.rawValue, objective: objective.rawValue, model: model.rawValue,
            pools: reader.pools(counts: counts), costPerHourUSD: reader.cost(counts: counts), powerKW: reader.power(counts: counts),
            requestsPerSecond: scale * demanded, sustainableRequestsPerSecond: max(sustainable, scale * demanded),
            workloadClasses: input.classes.count, latencies: [], bindingConstraints: reader.bindingConstraints(),
            relaxation: nil, overload: reader.overload(counts: counts), solver: solverSummary(result, formulation: formulation, seconds: seconds))
        return .plan((plan, { reader.latencies() }))
    }

    /// The largest arrival-rate scale that fixed machine counts sustain under `input`'s caps (a linear program).
    static func sustainedScale(input: ProvisioningInput, counts: [String: Double], solver: any MILPSolver, options: SolveOptions) throws -> Double {
        let fixed = ProvisioningFormulation(input, goal: .maxScale, fixedScale: nil, fixedCounts: counts, enforceBudget: false)
        let result = try solver.solve(fixed.model, options: options)
        return result.status.hasSolution ? result.value(fixed.alpha) : 0
    }

    static func keyed(_ formulation: ProvisioningFormulation, _ counts: [Double]) -> [String: Double] {
        var keyed: [String: Double] = [:]
        for (count, machines) in zip(formulation.counts, counts) {
            keyed[ProvisioningFormulation.poolKey(count.label, count.role), default: 0] += machines
        }
        return keyed
    }

    /// The solver stopped before it found any plan: the question may well have an answer.
    private var timeLimitNote: String {
        let limit = options.deadline.map { "the run's \(NumberFormatting.compact($0.limitSeconds)) s limit" }
            ?? "the \(NumberFormatting.compact(options.timeLimitSeconds)) s limit per solve"
        return "stopped at \(limit) before any plan was found; raise --time-limit"
    }

    /// Why there is no plan.
    private func diagnose() -> String {
        guard input.budget.costPerHourUSD != nil || input.budget.powerKW != nil else {
            guard input.availability.isEmpty else { return "the SLOs cannot be met within the machine availability limits" }
            // Without caps the only bound is the largest pool the program considers: tell a rate beyond it
            // from machines that miss the SLOs even when idle.
            let widest = ProvisioningFormulation(input, goal: .maxScale, fixedScale: nil)
            if let most = try? solver.solve(widest.model, options: options), most.status.hasSolution, most.value(widest.alpha) > 1e-9 {
                let demanded = input.classes.reduce(0) { $0 + $1.ratePerSecond }
                let most = "this design serves at most \(NumberFormatting.compact(most.value(widest.alpha) * demanded)) req/s"
                return "this rate needs more than \(ProvisioningFormulation.largestPool) machines in a pool (the largest fleet considered); \(most)"
            }
            return "no pool mix of this design meets the SLOs at any size: each machine misses them even when idle"
        }
        return "the caps are too tight for this rate"
    }

    /// A plan that says why there is none. The least relaxation (cost cap, power cap, rate) is the planner's
    /// to find: it re-plans with the whole fixed point, which a single program here cannot.
    private func infeasiblePlan(_ result: SolveResult, formulation: ProvisioningFormulation, seconds: Double, note: String) -> ProvisioningPlan {
        let relaxation = ProvisioningPlan.Relaxation(note: note)
        return ProvisioningPlan(
            feasible: false, design: input.design.rawValue, objective: objective.rawValue, model: model.rawValue, pools: [],
            costPerHourUSD: 0, powerKW: 0, requestsPerSecond: 0, sustainableRequestsPerSecond: 0,
            workloadClasses: input.classes.count, latencies: [], bindingConstraints: formulation.budgetRows.map { formulation.model.constraints[$0.index].name },
            relaxation: relaxation, overload: nil, solver: solverSummary(result, formulation: formulation, seconds: seconds))
    }

    private func solverSummary(_ result: SolveResult, formulation: ProvisioningFormulation, seconds: Double) -> ProvisioningPlan.Solver {
        ProvisioningPlan.Solver(backend: solver.name, status: result.status, seconds: seconds, gap: result.relativeGap,
                                objectiveValue: result.objectiveValue, variables: formulation.model.variables.count,
                                constraints: formulation.model.constraints.count, solves: objective == .maxThroughput ? 3 : 2)
    }
}
