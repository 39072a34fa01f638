import ClusterModel

extension ProvisioningFormulation {
    /// The most machines a pool can usefully hold: its availability, what a cost or power cap buys, and, when
    /// the rate is fixed, what carries the whole demand alone on every row of its role (more would only cost).
    static func largestCount(_ input: ProvisioningInput, profile index: Int, role: Role, scale: Double?) -> Double {
        let profile = input.profiles[index]
        let largest = Double(profile.option.mostMachines(within: input.budget, availability: input.availability) ?? Self.largestPool)
        guard let scale else { return largest }
        func demand(_ weight: (Int) -> Double) -> Double {
            input.classes.indices.reduce(0.0) { $0 + scale * input.classes[$1].ratePerSecond * weight($1) }
        }
        func machines(_ load: Double, perMachine: Double) -> Double {
            perMachine > 0 ? (load / perMachine * (1 + 1e-9)).rounded(.up) : largest
        }
        let kvGB = { (k: Int) in Double(input.classes[k].promptTokens) * profile.kvBytesPerToken / 1e9 }
        let network = machines(demand(kvGB), perMachine: profile.networkBytesPerSecond / 1e9)
        var needed: Double
        switch role {
        case .prompt:
            let work = demand { profile.promptWork[$0] }
            needed = max(network, input.promptCurves[index].map { Double($0.smallestCount(carrying: work)) }
                            ?? machines(work, perMachine: input.promptUtilisation[index] ?? 0))
        case .token:
            needed = max(network, machines(demand { profile.tokenWork[$0] }, perMachine: profile.tokenUtilisation),
                         machines(demand { profile.kvTokenSeconds[$0] }, perMachine: profile.kvUtilisation * profile.kvCapacityTokens))
        case .mixed:
            guard let mixed = input.mixedProfiles[index] else { return largest }
            let held = demand { mixed.holdingSeconds[$0] }
            let instances = Double(profile.option.deployment.instancesPerMachine)
            needed = max(input.mixedCurves[index].map { Double($0.smallestCount(carrying: held)) }
                            ?? machines(held, perMachine: mixed.occupancyPerInstance * instances),
                         machines(demand { mixed.kvTokenSeconds[$0] }, perMachine: profile.kvUtilisation * profile.kvCapacityTokens))
        }
        return min(largest, max(needed, 1))
    }
}

extension MachineOption {
    /// The most machines of this option that a cost or power cap buys or its availability allows (nil when
    /// none of them bounds it), at most `ProvisioningFormulation.largestPool`.
    func mostMachines(within budget: Budget, availability: [MachineID: Int]) -> Int? {
        var counts: [Double] = []
        if let cap = budget.costPerHourUSD, pricePerHourUSD > 0 { counts.append(cap / pricePerHourUSD) }
        if let cap = budget.powerKW, provisionedKW > 0 { counts.append(cap / provisionedKW) }
        if let limit = availability[machine.id] { counts.append(Double(limit)) }
        guard let least = counts.min() else { return nil }
        return Int(min(least * (1 + 1e-9), Double(ProvisioningFormulation.largestPool)).rounded(.down))
    }
}
