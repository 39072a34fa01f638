import ClusterModel
import Foundation

extension ProvisioningInputBuilder {
    /// Capacity curves for the pools whose caps depend on their size, over the counts the question can
    /// use: up to the count that carries the scenario's whole demand, or for max-throughput that the budget
    /// buys. Curves are computed side by side, one per core, from the points the cache already holds
    /// (other headroom levels and questions of the request) and the ones they lack, which it then keeps.
    func addCapacityCurves(to input: inout ProvisioningInput, slowestDecode: Double) throws {
        let rate = classes.reduce(0.0) { $0 + $1.ratePerSecond }
        var jobs: [(index: Int, job: CurveJob)] = []
        for (index, profile) in input.profiles.enumerated() {
            let performance = cache.performanceKey(profile.option.machine, profile.option.powerCap)
            // The most machines the budget allows, where plans may sit (0: the demand bounds the curve).
            let budgetCount = curvesReachBudget ? profile.option.mostMachines(within: budget, availability: scenario.availability) ?? 0 : 0
            if input.promptUtilisation[index] != nil {
                let load = classes.indices.reduce(0.0) { $0 + classes[$1].ratePerSecond * profile.promptWork[$1] }
                let caps = "\(performance)/\(tbtHeadroom)/\(slowestDecode)"
                jobs.append((index, CurveJob(pointsKey: caps, role: .prompt, profile: profile, load: load, budgetCount: budgetCount,
                                             knownCaps: cache.promptCap[caps] ?? [:])))
            }
            if input.mixedProfiles[index] != nil {
                jobs.append((index, CurveJob(pointsKey: performance, role: .mixed, profile: profile, load: rate, budgetCount: budgetCount,
                                             knownMixed: cache.mixed[performance] ?? [:])))
            }
        }
        let (workload, targets) = (classes, slo)
        let computed = jobs.map(\.job).concurrentMap { job in job.compute(classes: workload, slo: targets, slowestDecode: slowestDecode) }
        for ((index, job), result) in zip(jobs, computed) {
            cache.promptCap[job.pointsKey, default: [:]].merge(result.caps) { old, _ in old }
            cache.mixed[job.pointsKey, default: [:]].merge(result.mixed) { old, _ in old }
            guard let curve = result.curve else { continue }
            switch job.role {
            case .mixed:
                guard let reference = result.reference else { continue }
                input.mixedCurves[index] = curve
                input.mixedProfiles[index] = reference.serving(input.profiles[index].option)
            default: input.promptCurves[index] = curve
            }
        }
    }

    /// Whether a curve's points reach far enough: to the most machines the budget allows when it bounds the
    /// count (max-throughput plans sit there), else to the count that carries the whole demand.
    static func reaches(_ point: CapacityCurve.Point, load: Double, budgetCount: Int) -> Bool {
        budgetCount > 0 ? point.machines >= budgetCount : point.capacity >= load
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

/// One capacity curve to compute: independent of every other, so curves are computed side by side.
/// Points known from earlier questions (another budget, another headroom level) are reused, and the ones
/// computed come back to be kept.
struct CurveJob: Sendable {
    /// Where the points are kept: performance key (mixed), with headroom and slowest decode (prompt).
    var pointsKey: String
    var role: Role
    var profile: ServiceProfile
    /// The whole demand at the scenario's rate, in the curve's units (prompt work, or requests a second).
    var load: Double
    var budgetCount: Int
    /// Prompt caps by prefill instances, mixed profiles by machines.
    var knownCaps: [Int: Double?] = [:]
    var knownMixed: [Int: MixedProfile?] = [:]

    struct Result: Sendable {
        var curve: CapacityCurve?
        /// A mixed curve's largest point's profile: the formulation's rows weigh each class by its holding times.
        var reference: MixedProfile?
        var caps: [Int: Double?] = [:]
        var mixed: [Int: MixedProfile?] = [:]
    }

    func compute(classes: [WorkloadClass], slo: SLOTargets, slowestDecode: Double) -> Result {
        let profile = profile, load = load, budgetCount = budgetCount
        let done = { (point: CapacityCurve.Point) in ProvisioningInputBuilder.reaches(point, load: load, budgetCount: budgetCount) }
        let instances = profile.option.deployment.instancesPerMachine
        var result = Result()
        guard role == .mixed else {
            result.curve = CapacityCurve.compute(ceiling: ServiceProfile.defaultUtilisation, spacing: .init(everyCountThrough: 64),
                                                 extra: [budgetCount], done: done) { n in
                if let known = knownCaps[n * instances] { return known }
                let cap = profile.promptUtilisation(classes: classes, slo: slo, timePerOutputToken: slowestDecode, servers: n * instances)
                result.caps[n * instances] = cap
                return cap
            }
            return result
        }
        // A mixed pool's curve is in requests held, counted at the holding times of its largest point's
        // profile. Each point's capacity is its rate at the workload's class mix (requests held over the
        // mean holding time, Little's law).
        var found: [Int: MixedProfile] = [:]
        // The answers so far, to extrapolate the next from.
        var holds: Double?, answers: [(machines: Int, perInstance: Double)] = []
        func meanHolding(_ mixed: MixedProfile) -> Double {
            classes.indices.reduce(0.0) { $0 + classes[$1].share * mixed.holdingSeconds[$1] }
        }
        let curve = CapacityCurve.compute(spacing: .init(everyCountThrough: 8, tolerance: 0.002), extra: [budgetCount], done: done) { n in
            let computed: MixedProfile?
            if let known = knownMixed[n] {
                computed = known
            } else {
                let expected = Self.extrapolated(answers, to: n).map { (perInstance: $0, within: Self.expectedWindow) }
                computed = MixedProfile(profile, classes: classes, slo: slo, servers: n, holdsPerInstance: holds, expected: expected)
                result.mixed[n] = computed
            }
            guard let mixed = computed else { return nil }
            holds = mixed.occupancyPerInstance
            answers.append((n, mixed.occupancyPerInstance))
            found[n] = mixed
            let holding = meanHolding(mixed)
            return holding > 0 ? mixed.occupancyPerInstance * Double(instances) / holding : 0
        }
        guard let curve, let last = curve.points.last, let reference = found[last.machines] else { return result }
        result.curve = curve.scaled(by: meanHolding(reference))
        result.reference = reference
        return result
    }

    /// How far either side of an extrapolated answer a mixed pool's load search first tries (relative): past
    /// a dozen machines, extrapolations land within one to four parts in 10⁴ (the answers carry the
    /// bisection's rounding, one part in 10⁴); nearer the answer than this, the window costs more misses,
    /// further, more states within it.
    static let expectedWindow = 2e-4

    /// A mixed pool's answer (requests held per instance) at `machines`, from the two largest pools' answers
    /// so far: it grows about as a power of the count (a straight line in log–log), so extended to `machines`.
    static func extrapolated(_ answers: [(machines: Int, perInstance: Double)], to machines: Int) -> Double? {
        guard answers.count >= 2 else { return nil }
        let (first, last) = (answers[answers.count - 2], answers[answers.count - 1])
        guard first.perInstance > 0, last.perInstance > 0, first.machines > 0, last.machines > first.machines, machines > last.machines else { return nil }
        let exponent = log(last.perInstance / first.perInstance) / log(Double(last.machines) / Double(first.machines))
        return last.perInstance * exp(exponent * log(Double(machines) / Double(last.machines)))
    }
}
