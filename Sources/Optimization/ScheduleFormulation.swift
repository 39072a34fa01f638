import ClusterModel

/// One mixed-integer program over every period of a demand curve. Each period is a provisioning block
/// (flows, capacity, KV memory and network rows at that period's rate, its counts the machine time serving
/// each role); above them sit the whole machines: a fleet reserved for the horizon, per period the
/// machines assigned to each role and the on-demand machines rented, and the role changes between periods.
///
/// A machine that takes a new role drains its old work first, so in the period it arrives it serves
/// (period − drain) / period of the time: serving ≤ assigned − drainShare × arrivals.
public struct ScheduleFormulation: Sendable {
    public struct Assignment: Sendable {
        public var key: String
        public var role: Role
        public var machine: MachineID
        public var powerCap: Double
        public var instancesPerMachine: Int
        public var pricePerHourUSD: Double
        public var provisionedKW: Double
        public var assigned: VariableID
        public var arrivals: VariableID
        public var serving: VariableID
    }

    public struct Fleet: Sendable {
        public var machine: MachineID
        public var pricePerHourUSD: Double
        public var reserved: VariableID
        /// Per period; nil where on-demand machines are not offered.
        public var onDemand: [VariableID]?
    }

    public struct Period: Sendable {
        public var input: ProvisioningInput
        /// The period's rate as a multiple of the rate of `input`'s classes.
        public var scale: Double
    }

    public enum Goal: Sendable { case minCost, minEnergy }

    public var model = LinearModel()
    /// Each period's block, its counts and flows; the program itself is `model`.
    public var blocks: [ProvisioningFormulation] = []
    /// Per period, per pool key (in the blocks' count order).
    public var assignments: [[Assignment]] = []
    public var fleet: [Fleet] = []

    public init(periods: [Period], periodSeconds: Double, settings: ScheduleSettings, budget: Budget,
                availability: [MachineID: Int], goal: Goal) {
        let hours = periodSeconds / 3600
        let drainShare = min(settings.drainSeconds / periodSeconds, 1)
        // The program moves from block to block rather than being copied: a block that kept its own copy of
        // the program so far would make memory and time grow with the square of the periods.
        var program = LinearModel()
        for (p, period) in periods.enumerated() {
            var block = ProvisioningFormulation(period.input, goal: .minCost, fixedScale: period.scale, enforceBudget: false,
                                                into: consume program, prefix: "p\(p):", integerCounts: false)
            program = block.model
            block.model = LinearModel()
            var row: [Assignment] = []
            for count in block.counts {
                let option = period.input.profiles[count.profile].option
                let key = ProvisioningFormulation.poolKey(count.label, count.role)
                let limit = Double(availability[option.machine.id] ?? ProvisioningFormulation.largestPool)
                row.append(Assignment(key: key, role: count.role, machine: option.machine.id, powerCap: option.powerCap.fraction,
                                      instancesPerMachine: option.deployment.instancesPerMachine, pricePerHourUSD: option.pricePerHourUSD,
                                      provisionedKW: option.provisionedKW,
                                      assigned: program.addVariable("p\(p):a[\(key)]", kind: .integer, upper: limit),
                                      arrivals: program.addVariable("p\(p):arrive[\(key)]"), serving: count.variable))
            }
            blocks.append(block)
            assignments.append(row)
        }
        model = program
        let machines = Array(Set(assignments.flatMap { $0.map(\.machine) })).sorted()
        for machine in machines {
            let price = assignments.lazy.flatMap { $0 }.first { $0.machine == machine }?.pricePerHourUSD ?? 0
            let limit = Double(availability[machine] ?? ProvisioningFormulation.largestPool)
            let reserved = model.addVariable("reserved[\(machine)]", kind: .integer, upper: limit)
            let onDemand = settings.onDemandPriceFactor.map { _ in
                periods.indices.map { model.addVariable("p\($0):on-demand[\(machine)]", kind: .integer, upper: limit) }
            }
            fleet.append(Fleet(machine: machine, pricePerHourUSD: price, reserved: reserved, onDemand: onDemand))
        }
        addLinks(periods: periods.count, drainShare: drainShare, settings: settings, availability: availability)
        addBudgets(periods: periods.count, budget: budget, settings: settings)
        let factor = settings.onDemandPriceFactor ?? 0
        var cost = LinearExpression(), energy = LinearExpression(), changes = LinearExpression()
        for entry in fleet {
            cost = cost + (entry.pricePerHourUSD * hours * Double(periods.count)) * entry.reserved
            for variable in entry.onDemand ?? [] { cost = cost + (entry.pricePerHourUSD * factor * hours) * variable }
        }
        for assignment in assignments.joined() {
            energy = energy + (assignment.provisionedKW * hours) * assignment.assigned
            changes = changes + LinearExpression(assignment.arrivals)
        }
        // The tie-breaks prefer, among equal schedules, less of the other figure, then fewer role changes.
        switch goal {
        case .minCost: model.minimize(cost + 1e-6 * energy + 1e-6 * changes)
        case .minEnergy: model.minimize(energy + 1e-6 * cost + 1e-6 * changes)
        }
    }

    /// Serving within assigned (less what drains), assigned within the fleet, arrivals as increases of a
    /// role's machines over the previous period (the last, for the first period of a cyclic horizon).
    private mutating func addLinks(periods: Int, drainShare: Double, settings: ScheduleSettings, availability: [MachineID: Int]) {
        for p in 0..<periods {
            let previous = p > 0 ? p - 1 : (settings.cyclic && periods > 1 ? periods - 1 : nil)
            var arrivalsThisPeriod = LinearExpression()
            for (index, assignment) in assignments[p].enumerated() {
                model.addConstraint("p\(p):serving[\(assignment.key)]", LinearExpression(assignment.serving) + (-1) * LinearExpression(assignment.assigned)
                                        + drainShare * LinearExpression(assignment.arrivals), upper: 0)
                if let previous {
                    let before = assignments[previous][index].assigned
                    model.addConstraint("p\(p):arrivals[\(assignment.key)]", LinearExpression(assignment.arrivals)
                                            + (-1) * LinearExpression(assignment.assigned) + LinearExpression(before), lower: 0)
                } else {
                    model.addConstraint("p\(p):arrivals[\(assignment.key)]", LinearExpression(assignment.arrivals), upper: 0)
                }
                arrivalsThisPeriod = arrivalsThisPeriod + LinearExpression(assignment.arrivals)
            }
            if let limit = settings.maxRoleChangesPerPeriod {
                model.addConstraint("p\(p):role-changes", arrivalsThisPeriod, upper: Double(limit))
            }
            for entry in fleet {
                let assigned = assignments[p].filter { $0.machine == entry.machine }.map { LinearExpression($0.assigned) }.sum()
                var owned = LinearExpression(entry.reserved)
                if let onDemand = entry.onDemand { owned = owned + LinearExpression(onDemand[p]) }
                model.addConstraint("p\(p):fleet[\(entry.machine)]", assigned + (-1) * owned, upper: 0)
                if let limit = availability[entry.machine] {
                    model.addConstraint("p\(p):availability[\(entry.machine)]", owned, upper: Double(limit))
                }
            }
        }
    }

    /// The cost cap holds in every period (reserved plus that period's on-demand machines, per hour); the power
    /// cap on the machines serving in each period.
    private mutating func addBudgets(periods: Int, budget: Budget, settings: ScheduleSettings) {
        let factor = settings.onDemandPriceFactor ?? 0
        for p in 0..<periods {
            if let cap = budget.costPerHourUSD {
                let cost = fleet.map { entry in
                    var perHour = entry.pricePerHourUSD * entry.reserved
                    if let onDemand = entry.onDemand { perHour = perHour + (entry.pricePerHourUSD * factor) * onDemand[p] }
                    return perHour
                }.sum()
                model.addConstraint("p\(p):cost-cap", cost, upper: cap)
            }
            if let cap = budget.powerKW {
                model.addConstraint("p\(p):power-cap", assignments[p].map { $0.provisionedKW * $0.assigned }.sum(), upper: cap)
            }
        }
    }
}
