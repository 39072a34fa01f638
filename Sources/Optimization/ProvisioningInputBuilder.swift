import ClusterModel
import Throughput

/// Profiles already built for one planning request: service profiles depend on the option and the TBT
/// headroom only, mixed profiles and prompt caps also on the pool size, so the capacity curves of every
/// headroom level and question of a request (and a schedule's pool-size rounds) reuse them. Used by one
/// thread at a time: designs planned side by side each hold their own (`PlanningContext.designCaches`).
final class ProfileCache: @unchecked Sendable {
    var service: [String: ServiceProfile] = [:]
    /// Mixed profiles by performance key, then machines in the pool.
    var mixed: [String: [Int: MixedProfile?]] = [:]
    /// Prompt caps by performance key, headroom and slowest decode, then prefill instances in the pool.
    var promptCap: [String: [Int: Double?]] = [:]
    /// Requests a second one machine carries in a mixed pool of the size that bounds its curve, by
    /// performance key (kept apart from `mixed`, whose points the curves must compute their own way).
    var mixedBound: [String: Double] = [:]
    /// Performance keys by machine id and cap: a request's catalogue is fixed, and describing a whole
    /// machine takes reflection, too slow to repeat for every period, pool-size round and design (the
    /// caches of a request's designs share these).
    let keys: LockedMemo<String, String>

    init(keys: LockedMemo<String, String> = LockedMemo()) {
        self.keys = keys
    }

    func performanceKey(_ machine: MachineSpec, _ cap: PowerCap) -> String {
        keys.value(for: "\(machine.id.rawValue)|\(cap.fraction)|\(cap.gpuPowerLimitWatts)") { Self.performanceKey(machine, cap) }
    }

    /// What a profile depends on: the machine without its id, name, price and sources, and the cap. Machines
    /// that differ only in price (list, reserved and spot prices of one server) share their profiles.
    static func performanceKey(_ machine: MachineSpec, _ cap: PowerCap) -> String {
        var twin = machine
        twin.id = MachineID("-")
        twin.name = ""
        twin.pricePerHourUSD = 0
        twin.sources = [:]
        return "\(twin)|\(cap.fraction)|\(cap.gpuPowerLimitWatts)"
    }
}

/// Turns a scenario, a design and the workload classes into the program's precomputed input.
struct ProvisioningInputBuilder {
    var catalog: Catalog
    var scenario: Scenario
    var model: ModelSpec
    var design: Design
    var designIndex: Int
    var classes: [WorkloadClass]
    var slo: SLOTargets
    var budget: Budget
    var tbtHeadroom: Double
    /// Instances per (option label, role) from the previous solve; missing pools count as one machine.
    var poolServers: [String: Int] = [:]
    var cache = ProfileCache()
    /// Replaces the design's restriction (a fixed cluster's pools, when predicting its capacity).
    var restrictionOverride: DesignRestriction?
    /// Capacity by pool size for the program to choose from (`ProvisioningInput.promptCurves`), rather than
    /// the caps at `poolServers`; options that another of the same performance matches at a lower price are
    /// then left out (a pool of the cheaper one does everything theirs would, for less).
    var buildsCapacityCurves = false
    /// Leaves those options out without building curves (to read a plan of the curves' program at its sizes).
    var leavesOutDearerTwins = false
    /// Curves reach the most machines the budget buys (max-throughput plans sit there); otherwise the count
    /// that carries the whole demand is enough, since a larger pool only costs more.
    var curvesReachBudget = false
    /// The options (by label) that may fill the mixed role; nil: every one the design allows. The others
    /// are left out when a bound shows they cannot be in the best plan (`ProvisioningPlanner.mixedLowerBounds`).
    var mixedOptionsKept: Set<String>?

    func servers(_ profile: ServiceProfile, _ role: Role) -> Int {
        poolServers[ProvisioningFormulation.poolKey(profile.option.label, role)] ?? profile.option.deployment.instancesPerMachine
    }

    func build() throws -> ProvisioningInput {
        let candidates = try scenario.candidateMachines(in: catalog).map(\.id)
        let restriction = restrictionOverride ?? DesignRestriction(design, candidates: candidates)
        let designPath = scenario.designs.contains(design) ? "designs[\(scenario.designs.firstIndex(of: design) ?? designIndex)]" : "--design"
        // The options first; the profiles not known yet are then computed side by side (each a few load
        // searches), and every result enters the cache in the options' order, as one by one would.
        var options: [(option: MachineOption, key: String)] = []
        for id in restriction.machines {
            let machine = try catalog.machine(id, file: scenario.file.path, jsonPath: designPath)
            for cap in machine.powerCaps where Role.allCases.contains(where: { restriction.allows($0, machine: id, capFraction: cap.fraction) }) {
                do {
                    let deployment = try Deployment(model: model, machine: machine, catalog: catalog,
                                                    tensorParallel: scenario.tensorParallel, powerCapFraction: cap.fraction)
                    let option = MachineOption(machine: machine, powerCap: cap, performance: RooflineModel(deployment))
                    options.append((option, "\(cache.performanceKey(machine, cap))/\(tbtHeadroom)"))
                } catch let error as ThroughputError where design == .auto {
                    _ = error // a machine that cannot host the model is simply not a candidate for `auto`
                } catch let error as ThroughputError {
                    throw ClusterModelError.invalidValue(
                        path: scenario.file.path, jsonPath: designPath, value: "\"\(design.rawValue)\"",
                        allowed: "a design whose machines can serve \(model.id): \(error.description)")
                }
            }
        }
        let (workload, targets, headroom, tokenBudget) = (classes, slo, tbtHeadroom, scenario.scheduler.promptTokenBudget)
        let unknown = options.indices.filter { index in
            cache.service[options[index].key] == nil && !options[..<index].contains { $0.key == options[index].key }
        }
        let computedProfiles = unknown.map { options[$0].option }.concurrentMap { option in
            ServiceProfile(option: option, classes: workload, slo: targets, tbtHeadroom: headroom, promptTokenBudget: tokenBudget)
        }
        for (index, profile) in zip(unknown, computedProfiles) { cache.service[options[index].key] = profile }
        let profiles = options.compactMap { option, key -> ServiceProfile? in
            guard var profile = cache.service[key] else { return nil }
            profile.option = option
            return profile
        }
        func allows(_ role: Role, _ profile: ServiceProfile) -> Bool {
            restriction.allows(role, machine: profile.option.machine.id, capFraction: profile.option.powerCap.fraction)
                && (role != .mixed || mixedOptionsKept?.contains(profile.option.label) ?? true)
        }
        let tokenIndices = Set(profiles.indices.filter { allows(.token, profiles[$0]) && profiles[$0].tokenCapable })
        // E2E after prefill depends on the decode speed the request will get: plan for the slowest token pool.
        let slowestDecode = tokenIndices.map { profiles[$0].tokenStepSeconds }.max() ?? 0
        // Mixed profiles (a load search each, one per performance and pool size) and prompt caps not known
        // yet, all side by side.
        var work: [ProfileWork] = []
        for profile in profiles {
            let performance = cache.performanceKey(profile.option.machine, profile.option.powerCap)
            if allows(.prompt, profile), !tokenIndices.isEmpty {
                let key = "\(performance)/\(tbtHeadroom)/\(slowestDecode)", instances = servers(profile, .prompt)
                let what = ProfileWork.What.promptCap(key: key, instances: instances)
                if cache.promptCap[key]?[instances] == nil, !work.contains(where: { $0.what == what }) { work.append(ProfileWork(what: what, profile: profile)) }
            }
            if allows(.mixed, profile) {
                let machines = max(1, servers(profile, .mixed) / profile.option.deployment.instancesPerMachine)
                let what = ProfileWork.What.mixed(key: performance, machines: machines)
                if cache.mixed[performance]?[machines] == nil, !work.contains(where: { $0.what == what }) { work.append(ProfileWork(what: what, profile: profile)) }
            }
        }
        let results = work.concurrentMap { job in job.compute(classes: workload, slo: targets, slowestDecode: slowestDecode) }
        for (job, result) in zip(work, results) {
            switch (job.what, result) {
            case (.promptCap(let key, let instances), .promptCap(let cap)): cache.promptCap[key, default: [:]][instances] = cap
            case (.mixed(let key, let machines), .mixed(let profile)): cache.mixed[key, default: [:]][machines] = profile
            default: assertionFailure("a profile job's result of another kind")
            }
        }
        var promptCaps: [Int: Double] = [:]
        var mixed: [Int: MixedProfile] = [:]
        for (index, profile) in profiles.enumerated() {
            let performance = cache.performanceKey(profile.option.machine, profile.option.powerCap)
            if allows(.prompt, profile), !tokenIndices.isEmpty {
                let key = "\(performance)/\(tbtHeadroom)/\(slowestDecode)"
                promptCaps[index] = cache.promptCap[key]?[servers(profile, .prompt)] ?? nil
            }
            if allows(.mixed, profile) {
                // A mixed pool's TBT and E2E come from one model of the pool: no headroom to leave between them.
                // Pool sizes are in instances; a mixed profile takes machines.
                let machines = max(1, servers(profile, .mixed) / profile.option.deployment.instancesPerMachine)
                mixed[index] = (cache.mixed[performance]?[machines] ?? nil).map { $0.serving(profile.option) }
            }
        }
        var input = ProvisioningInput(design: design, classes: classes, profiles: profiles, promptUtilisation: promptCaps,
                                      tokenProfiles: promptCaps.isEmpty ? [] : tokenIndices, mixedProfiles: mixed,
                                      budget: budget, availability: scenario.availability)
        if buildsCapacityCurves || leavesOutDearerTwins { input = withoutDearerTwins(input) }
        if buildsCapacityCurves { try addCapacityCurves(to: &input, slowestDecode: slowestDecode) }
        return input
    }
}

/// A profile the builder computes side by side with the others it lacks: a prompt pool's utilisation cap
/// at a size, or a mixed pool's profile at a size (a load search each).
struct ProfileWork: Sendable {
    enum What: Equatable, Sendable {
        case promptCap(key: String, instances: Int)
        case mixed(key: String, machines: Int)
    }

    enum Result: Sendable {
        case promptCap(Double?)
        case mixed(MixedProfile?)
    }

    var what: What
    var profile: ServiceProfile

    func compute(classes: [WorkloadClass], slo: SLOTargets, slowestDecode: Double) -> Result {
        switch what {
        case .promptCap(_, let instances):
            .promptCap(profile.promptUtilisation(classes: classes, slo: slo, timePerOutputToken: slowestDecode, servers: instances))
        case .mixed(_, let machines): .mixed(MixedProfile(profile, classes: classes, slo: slo, servers: machines))
        }
    }
}
