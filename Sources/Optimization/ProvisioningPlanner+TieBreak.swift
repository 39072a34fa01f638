import ClusterModel

extension ProvisioningPlanner {
    /// Min-cost and min-power break ties on the other figure: with the plan's cost (power) held, the same
    /// program minimises power (cost), and its plan replaces the one found when it is leaner (cheaper) at
    /// no more cost (power), or cheaper (leaner) outright. Max-throughput plans (whose second pass already
    /// minimises cost) and infeasible ones are kept as they are. Returns the solver time and solves spent.
    func breakingTie(_ chosen: Candidate, objective: Objective, context: PlanningContext) throws
        -> (candidate: Candidate, seconds: Double, solves: Int) {
        guard objective != .maxThroughput, chosen.plan.feasible else { return (chosen, 0, 0) }
        let figures = { (plan: ProvisioningPlan) in
            objective == .minCost ? (primary: plan.costPerHourUSD, secondary: plan.powerKW) : (primary: plan.powerKW, secondary: plan.costPerHourUSD)
        }
        let before = figures(chosen.plan)
        var solve = ProvisioningSolve(input: chosen.input, solver: solver, options: options, slo: context.slo, objective: objective,
                                      model: context.model.id, sized: chosen.sized)
        solve.tieBreakHolding = before.primary + max(1e-9 * before.primary, 1e-9)
        guard case .plan(let (plan, latencies)) = try solve.runIfBetter() else { return (chosen, 0, 0) }
        let after = figures(plan)
        let spent = (plan.solver.seconds, plan.solver.solves)
        guard plan.feasible, after.primary < before.primary - 1e-9
                || (after.primary <= before.primary + 1e-9 && after.secondary < before.secondary - 1e-9) else {
            return (chosen, spent.0, spent.1)
        }
        // The answer's solver figures are the objective's: its value at this plan, and the first solve's
        // status and gap (this plan is no worse than the one they were proven for).
        var settled = plan
        settled.solver.objectiveValue = after.primary + ProvisioningFormulation.tieWeight * after.secondary
        settled.solver.status = chosen.plan.solver.status
        settled.solver.gap = chosen.plan.solver.gap
        return ((settled, chosen.input, latencies, chosen.sized), spent.0, spent.1)
    }
}
