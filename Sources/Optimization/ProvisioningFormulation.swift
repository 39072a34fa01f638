import ClusterModel

/// Everything one design's integer program needs, precomputed from the throughput model.
public struct ProvisioningInput: Sendable {
    public var design: Design
    public var classes: [WorkloadClass]
    public var profiles: [ServiceProfile]
    /// Per profile and role: whether the design lets it fill the role, and the role's caps.
    public var promptUtilisation: [Int: Double]
    public var tokenProfiles: Set<Int>
    public var mixedProfiles: [Int: MixedProfile]
    public var budget: Budget
    public var availability: [MachineID: Int]
    /// Per profile, capacity by pool size where the caps depend on it: prompt pools in machine-seconds of
    /// prompt work a second, mixed pools in requests held (counted at `mixedProfiles`' holding times). Empty
    /// where the caps above hold at every size (a given cluster, a schedule's periods).
    public var promptCurves: [Int: CapacityCurve] = [:]
    public var mixedCurves: [Int: CapacityCurve] = [:]

    /// The TBT headroom sizes token batches and the prompt caps that follow from them. A program with
    /// neither (mixed pools only, as the baselines, or no option that decodes within the targets at this
    /// headroom, which a lower one cannot restore) is the same at every lower level.
    var dependsOnTBTHeadroom: Bool { !tokenProfiles.isEmpty || !promptUtilisation.isEmpty }
}

/// The mixed-integer program. Variables: machine counts n[option, role] (integers), request rates
/// f[class, option, role] (continuous, requests/s), and the arrival-rate scale α. Rates rather than
/// shares keep `max-throughput` linear: every constraint is linear in (n, f, α).
public struct ProvisioningFormulation: Sendable {
    public struct Count: Sendable { public var profile: Int; public var role: Role; public var variable: VariableID; public var label: String }
    public struct Flow: Sendable { public var profile: Int; public var role: Role; public var workloadClass: Int; public var variable: VariableID }

    public var model = LinearModel()
    public var counts: [Count] = []
    public var flows: [Flow] = []
    public var alpha: VariableID
    public var budgetRows: [ConstraintID] = []
    /// The plan's cost (USD/h) and provisioned power (kW) as expressions of the counts.
    public private(set) var cost = LinearExpression()
    public private(set) var power = LinearExpression()
    /// Prepended to every variable and row name: one program may hold several blocks (periods of a schedule).
    public let prefix: String

    public enum Goal: Sendable { case minCost, minPower, maxScale }

    /// The key of a pool in `fixedCounts` and in pool-size maps: `dgx-h100@0.7/token`.
    public static func poolKey(_ label: String, _ role: Role) -> String { "\(label)/\(role)" }

    /// `fixedScale`: α's value (1 serves the scenario's rate); nil lets α vary (max-throughput).
    /// `fixedCounts`: machine counts to hold, by pool key, missing pools held at 0 (to find what rate a plan sustains).
    /// `base`, `prefix`: the program to add this block to, and the names' prefix that keeps blocks apart.
    /// `integerCounts` false: counts may be fractional (machine time), when whole machines are counted elsewhere.
    public init(_ input: ProvisioningInput, goal: Goal, fixedScale: Double?, fixedCounts: [String: Double]? = nil, enforceBudget: Bool = true,
                into base: LinearModel = LinearModel(), prefix: String = "", integerCounts: Bool = true) {
        model = base
        self.prefix = prefix
        alpha = self.model.addVariable(prefix + "alpha", lower: fixedScale ?? 0, upper: fixedScale ?? 1e6)
        for (index, profile) in input.profiles.enumerated() {
            let label = profile.option.label
            var roles: [Role] = []
            if input.promptUtilisation[index] != nil { roles.append(.prompt) }
            if input.tokenProfiles.contains(index) { roles.append(.token) }
            if input.mixedProfiles[index] != nil { roles.append(.mixed) }
            for role in roles {
                let limit = Self.largestCount(input, profile: index, role: role, scale: fixedScale)
                let fixed = fixedCounts.map { $0[Self.poolKey(label, role)] ?? 0 }
                let variable = model.addVariable(prefix + "n[\(label),\(role)]", kind: fixed == nil && integerCounts ? .integer : .continuous,
                                                 lower: fixed ?? 0, upper: fixed ?? limit)
                counts.append(Count(profile: index, role: role, variable: variable, label: label))
                for k in input.classes.indices {
                    flows.append(Flow(profile: index, role: role, workloadClass: k,
                                      variable: model.addVariable(prefix + "f[\(k),\(label),\(role)]")))
                }
            }
        }
        // A program that chooses whole machines holds the curves (a choice of size per role); one of given
        // sizes reads them at those sizes. Machine time (a schedule's periods) has no curves.
        let choosesSizes = fixedCounts == nil && integerCounts
        assert(integerCounts || (input.promptCurves.isEmpty && input.mixedCurves.isEmpty), "capacity curves in a program of machine time")
        var chosen: [Int: LinearExpression] = [:]
        if choosesSizes {
            let (capacities, empty) = addOneOptionPerRole(input)
            chosen = capacities
            addPoolKindChoice(empty: empty)
        } else if fixedCounts == nil {
            addPoolKindChoice(empty: [:])
        }
        addDemand(input)
        addCapacity(input, chosen: chosen)
        addBudgetsAndAvailability(input, enforceBudget: enforceBudget)
        cost = counts.map { input.profiles[$0.profile].option.pricePerHourUSD * $0.variable }.sum()
        power = counts.map { input.profiles[$0.profile].option.provisionedKW * $0.variable }.sum()
        switch goal {
        case .minCost: model.minimize(cost + Self.tieWeight * power)
        case .minPower: model.minimize(power + Self.tieWeight * cost)
        case .maxScale: model.maximize(LinearExpression(alpha))
        }
    }

    /// The weight on the other figure in min-cost and min-power objectives (the planner then settles ties
    /// with the first figure held, `ProvisioningSolve.tieBreakHolding`).
    static let tieWeight = 1e-6

    /// Machines of one option in one role, at most, when the scenario states no availability.
    public static let largestPool = 100_000
    /// Machines of each kind, at most, where one binary chooses between mixed and split pools (a schedule's
    /// periods; plans choose through their roles' choice of option and size, with no such bound).
    public static let largestChoosingFleet = 10_000

    /// The rows of that choice: logic, not capacity, so never reported as binding.
    static let poolKindRows: Set<String> = ["mixed-pools-only-if-chosen", "split-pools-only-if-not"]

    /// Rows of pure logic (choices of pool kind, machine option and size), never reported as binding.
    static func isLogicRow(_ name: String) -> Bool {
        poolKindRows.contains(name) || questionRows.contains(name) || name.contains(LinearModel.curveRowMarker) || name.contains(optionChoiceMarker)
    }

    static let optionChoiceMarker = "one-option"

    /// Rows a question adds to the program (beat an earlier plan; hold a plan's cost while breaking ties on
    /// power): not limits of the cluster, so never reported as binding.
    static let questionRows: Set<String> = ["objective-below-earlier", "tie-break-held"]

    /// The most machines a count may take: its variable's upper bound.
    private func upperBound(_ count: Count) -> Double { model.variables[count.variable.index].upper }

    /// A pool's capacity read off its curve at the size the program holds it to (nil without a curve).
    private func atGivenSize(_ curve: CapacityCurve?, _ count: Count) -> LinearExpression? {
        guard let curve else { return nil }
        let machines = Int(upperBound(count).rounded())
        assert(model.variables[count.variable.index].lower == upperBound(count), "a curve read at a size the program chooses")
        return (machines > 0 ? curve.capacity(machines: machines) / Double(machines) : 0) * LinearExpression(count.variable)
    }

    /// One machine option per role. The scheduler balances a role's machines by load (KV held on token
    /// machines, pending tokens on prompt and mixed ones), not by speed: beside faster machines a slower
    /// token machine gets as large a batch and misses the TBT targets that its own pool would meet (the
    /// simulator shows it: 5 prompt A100 + 1 token A100 + 3 token H100 for 21.3 req/s planned, 18.2 served).
    /// So a plan's machines in one role are of one option, as in Splitwise's designs: per role, one choice
    /// among no machines and the points of every option's capacity curve (linear where the caps do not
    /// depend on the size). A role with one option whose capacity is proportional to its count needs no
    /// choice. Returns the capacity expressions of the prompt and mixed pools, by count index, and for each
    /// role that has a choice the weight that is 1 exactly when it holds no machines.
    private mutating func addOneOptionPerRole(_ input: ProvisioningInput) -> (capacities: [Int: LinearExpression], empty: [Role: VariableID]) {
        var capacities: [Int: LinearExpression] = [:], empty: [Role: VariableID] = [:]
        let choosesKind = counts.contains { $0.role == .mixed } && counts.contains { $0.role != .mixed }
        for role in Role.allCases {
            let pools = counts.indices.filter { counts[$0].role == role }
            let sized = pools.map { index -> LinearModel.SizedPool in
                let profile = counts[index].profile
                let curve: CapacityCurve
                switch role {
                case .prompt: curve = input.promptCurves[profile] ?? .linear(perMachine: input.promptUtilisation[profile] ?? 0)
                case .token: curve = .linear(perMachine: 1)
                case .mixed:
                    let instances = Double(input.profiles[profile].option.deployment.instancesPerMachine)
                    curve = input.mixedCurves[profile] ?? .linear(perMachine: (input.mixedProfiles[profile]?.occupancyPerInstance ?? 0) * instances)
                }
                return LinearModel.SizedPool(machines: counts[index].variable, curve: curve, largest: upperBound(counts[index]))
            }
            var found = sized.map { $0.curve.perMachineBeyond * LinearExpression($0.machines) }
            if !pools.isEmpty, pools.count > 1 || choosesKind || sized.contains(where: { !$0.curve.isLinear }) {
                let choice = model.capacities(ofOneOf: sized, name: prefix + "\(Self.optionChoiceMarker)[\(role)]")
                (found, empty[role]) = (choice.capacities, choice.none)
            }
            if role != .token {
                for (index, capacity) in zip(pools, found) { capacities[index] = capacity }
            }
        }
        return (capacities, empty)
    }

    /// A cluster runs split pools or mixed pools, not both: the simulated scheduler sends a request to a mixed
    /// machine only when prompt queues overflow, so flows the program would route to a mixed pool beside
    /// split pools would not reach it. One binary chooses the kind (only when the design allows both).
    /// `empty`: per role, a weight that is 1 exactly when the role holds no machines (from the choice of
    /// option and size); then the choice needs no bound on the fleet: the mixed role is empty, or both
    /// split roles are.
    private mutating func addPoolKindChoice(empty: [Role: VariableID]) {
        let mixed = counts.filter { $0.role == .mixed }, split = counts.filter { $0.role != .mixed }
        guard !mixed.isEmpty, !split.isEmpty else { return }
        if let mixedEmpty = empty[.mixed], let promptEmpty = empty[.prompt], let tokenEmpty = empty[.token] {
            model.addConstraint(prefix + "mixed-pools-only-if-chosen", LinearExpression(mixedEmpty) + LinearExpression(promptEmpty), lower: 1)
            model.addConstraint(prefix + "split-pools-only-if-not", LinearExpression(mixedEmpty) + LinearExpression(tokenEmpty), lower: 1)
            return
        }
        // The bound must stay small enough that GLPK's integrality tolerance (1e-5) cannot leave one machine
        // through: 1e4 · 1e-5 = 0.1 of a machine. (At 1e5 the relaxation is so weak that a 30,000-machine
        // plan takes GLPK minutes.) So a design that weighs both kinds considers fleets up to this size.
        let kinds = [mixed, split].map { kind in kind.reduce(0.0) { $0 + upperBound($1) } }
        let bound = min(Double(Self.largestChoosingFleet), kinds.max() ?? 0)
        let usesMixed = model.addVariable(prefix + "uses-mixed-pools", kind: .integer, lower: 0, upper: 1)
        model.addConstraint(prefix + "mixed-pools-only-if-chosen", mixed.map { LinearExpression($0.variable) }.sum() + (-bound) * usesMixed, upper: 0)
        model.addConstraint(prefix + "split-pools-only-if-not", split.map { LinearExpression($0.variable) }.sum() + bound * usesMixed, upper: bound)
    }

    private func flows(role: Role? = nil, profile: Int? = nil, workloadClass: Int? = nil) -> [Flow] {
        flows.filter { (role == nil || $0.role == role) && (profile == nil || $0.profile == profile) && (workloadClass == nil || $0.workloadClass == workloadClass) }
    }

    /// Every request's prompt runs on a prompt or mixed machine; every split request's decode on a token machine.
    private mutating func addDemand(_ input: ProvisioningInput) {
        for (k, workload) in input.classes.enumerated() {
            let served = flows(workloadClass: k).filter { $0.role != .token }.map { LinearExpression($0.variable) }.sum()
            model.addConstraint(prefix + "demand[\(k)]", served + (-workload.ratePerSecond) * alpha, lower: 0, upper: 0)
            let prompts = flows(role: .prompt, workloadClass: k).map { LinearExpression($0.variable) }.sum()
            let tokens = flows(role: .token, workloadClass: k).map { LinearExpression($0.variable) }.sum()
            model.addConstraint(prefix + "handoff[\(k)]", tokens + (-1) * prompts, lower: 0, upper: 0)
        }
    }

    /// Work per pool within its utilisation cap; KV memory by Little's law; KV-transfer bandwidth.
    private mutating func addCapacity(_ input: ProvisioningInput, chosen: [Int: LinearExpression]) {
        for (index, count) in counts.enumerated() {
            let profile = input.profiles[count.profile], label = profile.option.label
            let pool = flows(role: count.role, profile: count.profile)
            func total(_ weight: (Int) -> Double) -> LinearExpression {
                pool.map { weight($0.workloadClass) * $0.variable }.sum()
            }
            let machines = LinearExpression(count.variable)
            // Rows in GB/s and millions of token-seconds keep coefficients near 1 (GLPK needs a well-scaled matrix).
            let kvGB = { (k: Int) in Double(input.classes[k].promptTokens) * profile.kvBytesPerToken / 1e9 }
            let networkGBps = profile.networkBytesPerSecond / 1e9
            switch count.role {
            case .prompt:
                let cap = input.promptUtilisation[count.profile] ?? 0
                let capacity = chosen[index] ?? atGivenSize(input.promptCurves[count.profile], count) ?? cap * machines
                model.addConstraint(prefix + "prompt-capacity[\(label)]", total { profile.promptWork[$0] } + (-1) * capacity, upper: 0)
                model.addConstraint(prefix + "kv-send[\(label)]", total(kvGB) + (-networkGBps) * machines, upper: 0)
            case .token:
                let cap = profile.tokenUtilisation
                model.addConstraint(prefix + "token-capacity[\(label)]", total { profile.tokenWork[$0] } + (-cap) * machines, upper: 0)
                model.addConstraint(prefix + "kv-memory[\(label)]", total { profile.kvTokenSeconds[$0] / 1e6 } + (-profile.kvUtilisation * profile.kvCapacityTokens / 1e6) * machines, upper: 0)
                model.addConstraint(prefix + "kv-receive[\(label)]", total(kvGB) + (-networkGBps) * machines, upper: 0)
            case .mixed:
                guard let mixed = input.mixedProfiles[count.profile] else { continue }
                // Little's law: requests held (rate × mean E2E) within the occupancy at which every percentile holds.
                let instances = Double(profile.option.deployment.instancesPerMachine)
                let capacity = chosen[index] ?? atGivenSize(input.mixedCurves[count.profile], count)
                    ?? (mixed.occupancyPerInstance * instances) * machines
                model.addConstraint(prefix + "mixed-occupancy[\(label)]", total { mixed.holdingSeconds[$0] } + (-1) * capacity, upper: 0)
                model.addConstraint(prefix + "kv-memory[\(label),mixed]", total { mixed.kvTokenSeconds[$0] / 1e6 }
                                        + (-profile.kvUtilisation * profile.kvCapacityTokens / 1e6) * machines, upper: 0)
            }
        }
    }

    private mutating func addBudgetsAndAvailability(_ input: ProvisioningInput, enforceBudget: Bool) {
        if enforceBudget, let cap = input.budget.costPerHourUSD {
            budgetRows.append(model.addConstraint(prefix + "cost-cap", counts.map { input.profiles[$0.profile].option.pricePerHourUSD * $0.variable }.sum(), upper: cap))
        }
        if enforceBudget, let cap = input.budget.powerKW {
            budgetRows.append(model.addConstraint(prefix + "power-cap", counts.map { input.profiles[$0.profile].option.provisionedKW * $0.variable }.sum(), upper: cap))
        }
        for (machine, limit) in input.availability.sorted(by: { $0.key < $1.key }) {
            let machines = counts.filter { input.profiles[$0.profile].option.machine.id == machine }
            guard !machines.isEmpty else { continue }
            model.addConstraint(prefix + "availability[\(machine)]", machines.map { LinearExpression($0.variable) }.sum(), upper: Double(limit))
        }
    }
}
