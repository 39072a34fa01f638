import ClusterModel

extension ProvisioningFormulation {
    /// A pool's capacity row term: the size-dependent curve where the input has one, else `otherwise` (caps of one size).
    /// With fixed counts the curve is read at the count.
    mutating func sizedCapacity(_ curve: CapacityCurve?, count: Count, otherwise: LinearExpression, name: String) -> LinearExpression {
        guard let curve else { return otherwise }
        let bounds = model.variables[count.variable.index]
        if bounds.lower == bounds.upper {
            let machines = Int(bounds.lower.rounded())
            return (machines > 0 ? curve.capacity(machines: machines) / Double(machines) : 0) * LinearExpression(count.variable)
        }
        return model.capacity(of: curve, machines: count.variable, largest: bounds.upper, name: prefix + name)
    }

    /// The most machines a pool can usefully hold: its availability, what a cost or power cap buys, and, when
    /// the rate is fixed, what carries the whole demand alone on every row of its role (more would only cost).
    static func largestCount(_ input: ProvisioningInput, profile index: Int, role: Role, scale: Double?) -> Double {
        let profile = input.profiles[index]
        var largest = Double(input.availability[profile.option.machine.id] ?? Self.largestPool)
        if let cap = input.budget.costPerHourUSD, profile.option.pricePerHourUSD > 0 {
            largest = min(largest, (cap / profile.option.pricePerHourUSD * (1 + 1e-9)).rounded(.down))
        }
        if let cap = input.budget.powerKW, profile.option.provisionedKW > 0 {
            largest = min(largest, (cap / profile.option.provisionedKW * (1 + 1e-9)).rounded(.down))
        }
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

extension CapacityCurve {
    /// The fewest machines that carry `load` (Int.max when no count does).
    func smallestCount(carrying load: Double) -> Int {
        guard load > 0 else { return 0 }
        if let point = points.first(where: { $0.machines > 0 && $0.capacity >= load * (1 - 1e-12) }) {
            // Between the previous point and this one, machines add the previous point's rate.
            let index = points.firstIndex(of: point) ?? 0
            let previous = points[max(index - 1, 0)]
            guard previous.machines > 0 else { return point.machines }
            let rate = previous.capacity / Double(previous.machines)
            return min(point.machines, previous.machines + Int(((load - previous.capacity) / rate * (1 - 1e-12)).rounded(.up)))
        }
        let rate = perMachineBeyond, last = points.last ?? Point(machines: 0, capacity: 0)
        guard rate > 0 else { return Int.max / 2 }
        return last.machines + Int(((load - last.capacity) / rate * (1 - 1e-12)).rounded(.up))
    }
}
