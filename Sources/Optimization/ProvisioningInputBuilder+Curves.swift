import ClusterModel

extension ProvisioningInputBuilder {
    /// Capacity curves for the pools whose caps depend on their size, over the counts the question can
    /// use: up to the count that carries the scenario's whole demand, or that the budget buys.
    func addCapacityCurves(to input: inout ProvisioningInput, slowestDecode: Double) {
        let rate = classes.reduce(0.0) { $0 + $1.ratePerSecond }
        for (index, profile) in input.profiles.enumerated() {
            let performance = cache.performanceKey(profile.option.machine, profile.option.powerCap)
            let instances = profile.option.deployment.instancesPerMachine
            let budgetCount = Self.budgetCount(profile.option, budget: budget, availability: scenario.availability)
            if input.promptUtilisation[index] != nil {
                let load = classes.indices.reduce(0.0) { $0 + classes[$1].ratePerSecond * profile.promptWork[$1] }
                let key = "\(performance)/\(tbtHeadroom)/\(slowestDecode)/\(load)/\(budgetCount)"
                let curve = cache.promptCurve[key] ?? CapacityCurve.compute(
                    ceiling: ServiceProfile.defaultUtilisation, spacing: .init(everyCountThrough: 64), extra: [budgetCount],
                    done: { Self.reaches($0, load: load, budgetCount: budgetCount) }
                ) { n in profile.promptUtilisation(classes: classes, slo: slo, timePerOutputToken: slowestDecode, servers: n * instances) }
                cache.promptCurve[key] = curve
                input.promptCurves[index] = curve
            }
            if input.mixedProfiles[index] != nil {
                let key = "\(performance)/\(rate)/\(budgetCount)"
                if cache.mixedCurve[key] == nil {
                    cache.mixedCurve[key] = mixedCurve(profile, rate: rate, budgetCount: budgetCount)
                }
                guard let (curve, reference) = cache.mixedCurve[key] ?? nil else { continue }
                input.mixedCurves[index] = curve
                input.mixedProfiles[index] = reference.serving(profile.option)
            }
        }
    }

    /// Mixed pools' curve in requests held, counted at the holding times of its largest point's profile
    /// (returned beside it: the formulation's rows weigh each class by them). Each point's capacity is
    /// its rate at the workload's class mix (requests held over the mean holding time, Little's law).
    private func mixedCurve(_ profile: ServiceProfile, rate: Double, budgetCount: Int) -> (CapacityCurve, MixedProfile)? {
        var found: [Int: MixedProfile] = [:]
        var holds: Double?
        let instances = Double(profile.option.deployment.instancesPerMachine)
        func meanHolding(_ mixed: MixedProfile) -> Double {
            classes.indices.reduce(0.0) { $0 + classes[$1].share * mixed.holdingSeconds[$1] }
        }
        let curve = CapacityCurve.compute(spacing: .init(everyCountThrough: 8, tolerance: 0.002), extra: [budgetCount],
                                          done: { Self.reaches($0, load: rate, budgetCount: budgetCount) }) { n in
            guard let mixed = MixedProfile(profile, classes: classes, slo: slo, servers: n, holdsPerInstance: holds) else { return nil }
            holds = mixed.occupancyPerInstance
            found[n] = mixed
            let holding = meanHolding(mixed)
            return holding > 0 ? mixed.occupancyPerInstance * instances / holding : 0
        }
        guard let curve, let last = curve.points.last, let reference = found[last.machines] else { return nil }
        return (curve.scaled(by: meanHolding(reference)), reference)
    }

    /// Whether a curve's points reach far enough: to the most machines the budget allows when it bounds the
    /// count (max-throughput plans sit there), else to the count that carries the whole demand.
    static func reaches(_ point: CapacityCurve.Point, load: Double, budgetCount: Int) -> Bool {
        budgetCount > 0 ? point.machines >= budgetCount : point.capacity >= load
    }

    /// The most machines of an option that the budget or its availability allow (0 when neither bounds it).
    static func budgetCount(_ option: MachineOption, budget: Budget, availability: [MachineID: Int]) -> Int {
        var counts: [Double] = []
        if let cap = budget.costPerHourUSD, option.pricePerHourUSD > 0 { counts.append(cap / option.pricePerHourUSD) }
        if let cap = budget.powerKW, option.provisionedKW > 0 { counts.append(cap / option.provisionedKW) }
        if let limit = availability[option.machine.id] { counts.append(Double(limit)) }
        guard let least = counts.min() else { return 0 }
        return Int(min(least * (1 + 1e-9), Double(ProvisioningFormulation.largestPool)).rounded(.down))
    }
}

extension ProvisioningInputBuilder {
    /// The input without the options that another option matches in performance, roles and power at a
    /// lower price (the same server at list, reserved and spot prices): merged into the cheaper one, a pool
    /// carries at least as much (capacity per machine never falls as a pool grows) for less. Options with
    /// availability limits stay, since their cheaper twins may run out.
    func withoutDearerTwins(_ input: ProvisioningInput) -> ProvisioningInput {
        func roles(_ i: Int) -> [Bool] {
            [input.promptUtilisation[i] != nil, input.tokenProfiles.contains(i), input.mixedProfiles[i] != nil]
        }
        let keys = input.profiles.map { cache.performanceKey($0.option.machine, $0.option.powerCap) }
        let limited = input.profiles.map { input.availability[$0.option.machine.id] != nil }
        let kept = input.profiles.indices.filter { i in
            let option = input.profiles[i].option
            return limited[i] || !input.profiles.indices.contains { j in
                let other = input.profiles[j].option
                return j != i && !limited[j] && keys[j] == keys[i] && roles(j) == roles(i) && other.provisionedKW <= option.provisionedKW
                    && (other.pricePerHourUSD, j) < (option.pricePerHourUSD, i)
            }
        }
        guard kept.count < input.profiles.count else { return input }
        var pruned = input
        pruned.profiles = kept.map { input.profiles[$0] }
        pruned.promptUtilisation = [:]
        pruned.tokenProfiles = []
        pruned.mixedProfiles = [:]
        for (new, old) in kept.enumerated() {
            pruned.promptUtilisation[new] = input.promptUtilisation[old]
            if input.tokenProfiles.contains(old) { pruned.tokenProfiles.insert(new) }
            pruned.mixedProfiles[new] = input.mixedProfiles[old]
        }
        return pruned
    }
}
