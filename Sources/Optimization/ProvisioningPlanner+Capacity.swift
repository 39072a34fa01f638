import ClusterModel

extension ProvisioningPlanner {
    /// The largest arrival rate that the planner predicts `pools` sustain within the SLOs: the program with
    /// the counts held and the queueing caps of these pool sizes, best over the TBT headroom levels (as
    /// planning picks its best level). Budgets are not enforced: the cluster is given.
    public func predictedCapacity(_ request: PlanRequest, pools: [PoolCount]) throws -> Double {
        let context = try self.context(request)
        var best = 0.0
        for headroom in Self.tbtHeadroomLevels {
            let (input, counts) = try fixedInput(request, context: context, pools: pools, tbtHeadroom: headroom)
            let demanded = input.classes.reduce(0) { $0 + $1.ratePerSecond }
            let scale = try ProvisioningSolve.sustainedScale(input: input, counts: counts, solver: solver, options: options)
            best = max(best, scale * demanded)
            if !input.dependsOnTBTHeadroom { break }
        }
        return best
    }

    /// What `pools` complete a second when arrivals outrun them, with borrowing and without
    /// (`OverloadThroughput`; no SLO holds then, so no headroom level matters).
    public func overloadThroughput(_ request: PlanRequest, pools: [PoolCount]) throws -> OverloadThroughput {
        let context = try self.context(request)
        let (input, _) = try fixedInput(request, context: context, pools: pools, tbtHeadroom: 1)
        let overloadPools = try pools.map { pool in
            guard let profile = input.profiles.first(where: { $0.option.label == pool.optionLabel }) else {
                throw OptimizationError.invalidModel("no machine option \(pool.optionLabel) for the pool \(pool.role.rawValue):\(pool.optionLabel)")
            }
            return OverloadThroughput.Pool(profile: profile, role: pool.role, machines: pool.count)
        }
        return OverloadThroughput(pools: overloadPools, classes: input.classes)
    }

    /// The plan the planner would report for `pools` at the request's rate (or, when they cannot sustain it
    /// in the planner's model, at the largest rate they can): utilisation, predicted latencies, binding rows.
    public func evaluate(_ request: PlanRequest, pools: [PoolCount], design: String) throws -> ProvisioningPlan {
        let context = try self.context(request)
        let objective = request.objective ?? request.scenario.objective
        var best: ProvisioningSolve.Deferred?
        for headroom in Self.tbtHeadroomLevels {
            let (input, counts) = try fixedInput(request, context: context, pools: pools, tbtHeadroom: headroom)
            var solve = ProvisioningSolve(input: input, solver: solver, options: options, slo: context.slo, objective: objective,
                                          model: context.model.id, fixedCounts: counts)
            var candidate = try solve.runDeferringLatencies()
            if !candidate.plan.feasible, objective != .maxThroughput {
                solve.objective = .maxThroughput
                candidate = try solve.runDeferringLatencies()
            }
            if best.map({ candidate.plan.requestsPerSecond > $0.plan.requestsPerSecond * (1 + 1e-9) }) ?? true { best = candidate }
            if !input.dependsOnTBTHeadroom { break }
        }
        guard var plan = best?.plan, let latencies = best?.latencies else { throw OptimizationError.invalidModel("no TBT headroom levels to try") }
        plan.latencies = latencies()
        plan.design = design
        plan.objective = objective.rawValue
        return plan
    }

    /// The program for a fixed cluster: only its pools' (machine, cap, role) options, caps at its pool sizes.
    private func fixedInput(_ request: PlanRequest, context: PlanningContext, pools: [PoolCount],
                            tbtHeadroom: Double) throws -> (ProvisioningInput, [String: Double]) {
        let restriction = DesignRestriction(pools: pools)
        var counts: [String: Double] = [:]
        for pool in pools { counts[ProvisioningFormulation.poolKey(pool.optionLabel, pool.role), default: 0] += Double(pool.count) }
        let probe = try prepare(request, context: context, design: .auto, designIndex: 0, tbtHeadroom: tbtHeadroom, restriction: restriction)
        var servers: [String: Int] = [:]
        for pool in pools {
            let instances = probe.profiles.first { $0.option.label == pool.optionLabel }?.option.deployment.instancesPerMachine ?? 1
            servers[ProvisioningFormulation.poolKey(pool.optionLabel, pool.role), default: 0] += pool.count * instances
        }
        let input = try prepare(request, context: context, design: .auto, designIndex: 0, tbtHeadroom: tbtHeadroom,
                                poolServers: servers, restriction: restriction)
        return (input, counts)
    }
}
