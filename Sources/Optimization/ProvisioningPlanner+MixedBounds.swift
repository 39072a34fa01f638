import ClusterModel

extension ProvisioningPlanner {
    /// How far above the best plan found a mixed option's lower bound must be before its curve is left out.
    /// The bound rests on capacity per machine never falling as a pool grows (`CapacityCurve`); the margin
    /// covers the bisections' tolerance in the capacities it compares.
    static let mixedBoundMargin = 0.02
    /// Above this many machines in the bounding pool its load search costs more than the curves it saves
    /// (the rate's spread of requests held grows with the pool): no bounds then.
    static let largestBoundingPool = 1024

    /// For min-cost and min-power: per mixed option the design allows, a lower bound on the objective of any
    /// plan that uses it. A cluster runs mixed pools or split pools, not both, and one option per role, so a
    /// mixed pool carries the whole demand R alone: with capacity per machine at most ρ(N) (N pools at least
    /// as large as any its curve reaches), it needs ⌈R / ρ(N)⌉ machines. Curves cost a dozen load searches
    /// each; this bound costs one, so options whose bound is above a plan already found need no curve.
    /// Nil when there is nothing to gain (max-throughput, or at most two mixed options).
    func mixedLowerBounds(_ request: PlanRequest, context: PlanningContext, design: Design, designIndex: Int,
                          objective: Objective) throws -> [(label: String, lowerBound: Double)]? {
        guard objective != .maxThroughput else { return nil }
        let input = try prepare(request, context: context, design: design, designIndex: designIndex, tbtHeadroom: 1, twinsLeftOut: true)
        guard input.mixedProfiles.count > 2 else { return nil }
        let demand = context.classes.reduce(0.0) { $0 + $1.ratePerSecond }
        let classes = context.classes
        @Sendable func perMachine(_ mixed: MixedProfile, instances: Double) -> Double {
            let holding = classes.indices.reduce(0.0) { $0 + classes[$1].share * mixed.holdingSeconds[$1] }
            return holding > 0 ? mixed.occupancyPerInstance * instances / holding : 0
        }
        // A curve stops at the first count that carries R, at most ⌈R / ρ(1)⌉, and steps at most double a
        // count: every point it computes lies below 2⌈R / ρ(1)⌉ + 8, the bounding pool.
        let options = input.mixedProfiles.keys.sorted().compactMap { index -> (index: Int, single: MixedProfile, largest: Int)? in
            guard let single = input.mixedProfiles[index] else { return nil }
            let first = perMachine(single, instances: Double(input.profiles[index].option.deployment.instancesPerMachine))
            let pool = first > 0 ? 2 * (demand / first).rounded(.up) + 8 : .infinity
            return (index, single, pool <= Double(Self.largestBoundingPool) ? Int(pool) : Int.max)
        }
        guard options.allSatisfy({ $0.largest <= Self.largestBoundingPool }) else { return nil }
        // One load search per option not bounded yet (another question of this request may have), side by side.
        let slo = context.slo
        let missing = options.filter { option in
            let machine = input.profiles[option.index].option
            return context.cache.mixedBound[context.cache.performanceKey(machine.machine, machine.powerCap)] == nil
        }
        let found = missing.concurrentMap { index, single, largest -> Double in
            let profile = input.profiles[index]
            // No profile at that size (not expected): no bound, the option keeps its curve.
            return MixedProfile(profile, classes: classes, slo: slo, servers: largest, holdsPerInstance: single.occupancyPerInstance)
                .map { perMachine($0, instances: Double(profile.option.deployment.instancesPerMachine)) } ?? .infinity
        }
        for (option, rate) in zip(missing, found) {
            let machine = input.profiles[option.index].option
            context.cache.mixedBound[context.cache.performanceKey(machine.machine, machine.powerCap)] = rate
        }
        return options.map { index, _, _ in
            let option = input.profiles[index].option
            let rate = context.cache.mixedBound[context.cache.performanceKey(option.machine, option.powerCap)] ?? .infinity
            guard rate > 0 else { return (option.label, .infinity) }
            guard rate.isFinite else { return (option.label, 0) }
            let machines = (demand / rate * (1 - 1e-12)).rounded(.up)
            return (option.label, machines * (objective == .minCost ? option.pricePerHourUSD : option.provisionedKW))
        }
    }
}
