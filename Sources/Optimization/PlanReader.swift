import ClusterModel
import Foundation

/// Reads a solution back: pools, utilisation, predicted latencies against the SLOs, binding constraints.
struct PlanReader {
    var input: ProvisioningInput
    var formulation: ProvisioningFormulation
    var result: SolveResult
    var slo: SLOTargets

    private func work(_ count: ProvisioningFormulation.Count, promptOnly: Bool) -> Double {
        let profile = input.profiles[count.profile]
        return formulation.flows.filter { $0.profile == count.profile && $0.role == count.role }.reduce(0) { total, flow in
            let rate = result.value(flow.variable), k = flow.workloadClass
            switch count.role {
            case .prompt: return total + rate * profile.promptWork[k]
            case .token: return total + rate * profile.tokenWork[k]
            case .mixed:
                let decode = promptOnly ? 0 : (input.mixedProfiles[count.profile]?.tokenWork[k] ?? 0)
                return total + rate * (profile.promptWork[k] + decode)
            }
        }
    }

    func pools(counts: [Double]) -> [ProvisioningPlan.Pool] {
        zip(formulation.counts, counts).compactMap { count, machines in
            guard machines >= 0.5 else { return nil }
            let profile = input.profiles[count.profile]
            let cap: Double, batch: Int?
            switch count.role {
            case .prompt: (cap, batch) = (input.promptUtilisation[count.profile] ?? 0, nil)
            case .token: (cap, batch) = (profile.tokenUtilisation, profile.tokenBatch)
            case .mixed: (cap, batch) = (input.mixedProfiles[count.profile]?.busyShareAtCapacity ?? 0, input.mixedProfiles[count.profile]?.batch)
            }
            var utilisation = work(count, promptOnly: false) / machines
            if count.role == .mixed, let mixed = input.mixedProfiles[count.profile], mixed.occupancyPerInstance > 0 {
                // Busy share scales with the requests held, up to the share at the occupancy the SLOs allow.
                let instances = machines * Double(profile.option.deployment.instancesPerMachine)
                let held = formulation.flows.filter { $0.profile == count.profile && $0.role == .mixed }
                    .reduce(0.0) { $0 + result.value($1.variable) * mixed.holdingSeconds[$1.workloadClass] }
                utilisation = mixed.busyShareAtCapacity * held / (instances * mixed.occupancyPerInstance)
            }
            return ProvisioningPlan.Pool(role: count.role, machine: profile.option.machine.id.rawValue, count: Int(machines),
                                         powerCap: profile.option.powerCap.fraction, utilisation: utilisation,
                                         utilisationCap: cap, decodeBatch: batch,
                                         costPerHourUSD: Double(Int(machines)) * profile.option.pricePerHourUSD,
                                         powerKW: Double(Int(machines)) * profile.option.provisionedKW)
        }.sorted { ($0.role, $0.machine, $0.powerCap) < ($1.role, $1.machine, $1.powerCap) }
    }

    func cost(counts: [Double]) -> Double {
        zip(formulation.counts, counts).reduce(0) { $0 + $1.1 * input.profiles[$1.0.profile].option.pricePerHourUSD }
    }

    func power(counts: [Double]) -> Double {
        zip(formulation.counts, counts).reduce(0) { $0 + $1.1 * input.profiles[$1.0.profile].option.provisionedKW }
    }

    /// Capacity, memory, network, budget and availability rows within 10 % of their bound: with whole
    /// machines a limit rarely holds with equality, but these are the ones that decide the counts.
    func bindingConstraints() -> [String] {
        zip(formulation.model.constraints, result.constraintValues).compactMap { constraint, activity in
            guard constraint.upper.isFinite, constraint.lower == -.infinity,
                  !ProvisioningFormulation.isLogicRow(constraint.name) else { return nil }
            if constraint.upper > 0 { return activity >= 0.9 * constraint.upper ? constraint.name : nil }
            // Pool rows read load − cap · machines ≤ 0: tight when the load is within 10 % of the cap.
            var load = 0.0, limit = 0.0
            for (variable, coefficient) in constraint.expression.terms {
                // Solvers return 1e-10 where they mean 0: an empty pool binds nothing.
                let value = abs(result.value(variable)) < 1e-7 ? 0 : result.value(variable)
                let term = coefficient * value
                if term > 0 { load += term } else { limit -= term }
            }
            return limit > 1e-9 && load >= 0.9 * limit ? constraint.name : nil
        }
    }

    /// Predicted percentiles by the same approximations that set the caps: M/M/n waits on each prompt pool and
    /// the pool's decode time per token; the mean-field model of a mixed pool at its planned load. A class's
    /// requests split across pools by their planned rates.
    /// A prompt pool's prefill for class k: the class mean, then each prompt point.
    private func metricPrefill(_ profile: ServiceProfile, _ k: Int) -> [Double] {
        [profile.prefillSeconds[k]] + profile.prefillPointSeconds[k]
    }

    func latencies() -> [ProvisioningPlan.Latency] {
        let classes = input.classes
        var paths: [[(weight: Double, prefill: [Double], wait: Queueing.WaitTail)]] = classes.map { _ in [] }
        var decode: [[(weight: Double, perToken: Double)]] = classes.map { _ in [] }
        var mixedPaths: [[(weight: Double, state: MixedPoolState)]] = classes.map { _ in [] }
        for count in formulation.counts {
            let machines = result.value(count.variable).rounded()
            guard machines >= 0.5 else { continue }
            let profile = input.profiles[count.profile]
            let meanService = classes.indices.reduce(0.0) { $0 + classes[$1].share * profile.prefillSeconds[$1] }
            let promptLoad = work(count, promptOnly: true) / machines
            let flows = formulation.flows.filter { $0.profile == count.profile && $0.role == count.role }
            let servers = Int(machines) * profile.option.deployment.instancesPerMachine
            var mixedState: MixedPoolState?
            if count.role == .mixed, let mixed = input.mixedProfiles[count.profile] {
                let held = flows.reduce(0.0) { $0 + result.value($1.variable) * mixed.holdingSeconds[$1.workloadClass] }
                mixedState = mixed.atOccupancy(perInstance: held / Double(max(servers, 1)))
            }
            for flow in flows {
                let rate = result.value(flow.variable), k = flow.workloadClass
                guard rate > 1e-12 else { continue }
                switch count.role {
                case .prompt:
                    let wait = Queueing.WaitTail(utilisation: min(promptLoad, 0.999), meanServiceSeconds: meanService, servers: servers)
                    paths[k].append((rate, metricPrefill(profile, k), wait))
                case .token: decode[k].append((rate, profile.tokenStepSeconds))
                case .mixed: if let mixedState { mixedPaths[k].append((rate, mixedState)) }
                }
            }
        }
        // TTFT is taken at each prompt point of the class (`point`); E2E at the class's mean prompt.
        func splitExceeds(_ k: Int, _ seconds: Double, metric: LatencyMetric, point: Int) -> Double {
            let promptWeight = paths[k].reduce(0) { $0 + $1.weight }, decodeWeight = decode[k].reduce(0) { $0 + $1.weight }
            guard promptWeight > 0, decodeWeight > 0 else { return 0 }
            let perToken = decode[k].reduce(0) { $0 + $1.weight * $1.perToken } / decodeWeight
            if metric == .tbt {
                return decode[k].reduce(0) { $0 + $1.weight / decodeWeight * ($1.perToken > seconds ? 1 : 0) }
            }
            let decodeTime = metric == .e2e ? Double(max(classes[k].outputTokens - 1, 0)) * perToken : 0
            return paths[k].reduce(0) { total, path in
                let prefill = metric == .ttft ? path.prefill[point + 1] : path.prefill[0]
                return total + path.weight / promptWeight * path.wait.exceeds(seconds - prefill - decodeTime)
            }
        }
        func mixedExceeds(_ k: Int, _ seconds: Double, metric: LatencyMetric, point: Int, _ state: MixedPoolState) -> Double {
            switch metric {
            case .ttft: return state.ttftExceeds(seconds, classIndex: k, point: point)
            case .tbt: return state.tbtExceeds(seconds, classIndex: k, outputTokens: classes[k].outputTokens)
            case .e2e: return state.e2eExceeds(seconds, classIndex: k)
            }
        }
        func exceeds(_ k: Int, _ seconds: Double, metric: LatencyMetric, point: Int) -> Double {
            let splitWeight = paths[k].reduce(0) { $0 + $1.weight }, mixedWeight = mixedPaths[k].reduce(0) { $0 + $1.weight }
            guard splitWeight + mixedWeight > 0 else { return 0 }
            let mixed = mixedPaths[k].reduce(0) { $0 + $1.weight * mixedExceeds(k, seconds, metric: metric, point: point, $1.state) }
            return (splitWeight * splitExceeds(k, seconds, metric: metric, point: point) + mixed) / (splitWeight + mixedWeight)
        }
        func exceeds(_ k: Int, _ seconds: Double, target: SLOTargets.Target) -> Double {
            guard target.metric == .ttft else { return exceeds(k, seconds, metric: target.metric, point: 0) }
            let points = slo.pointSeconds(seconds, slowdown: target.slowdown != nil, classIndex: k)
            return points.indices.reduce(0.0) { $0 + exceeds(k, points[$1], metric: .ttft, point: $1) } / Double(max(points.count, 1))
        }
        return slo.targets.map { target in
            // Smallest multiple of the targets' per-class scale at which the percentile holds, by bisection.
            let scale = target.slowdown ?? target.seconds.first ?? 1
            let unitSeconds = target.seconds.map { $0 / scale }
            func holds(_ multiple: Double) -> Bool {
                let missed = classes.indices.reduce(0.0) { $0 + classes[$1].share * exceeds($1, multiple * unitSeconds[$1], target: target) }
                return missed <= 1 - target.percentile.fraction + 1e-12
            }
            var low = 0.0, high = max(scale, 1.0)
            while !holds(high), high < 1e6 { high *= 2 }
            // To a part in 10¹² of the answer, the most digits a report prints (JSON, 12 significant), and
            // no further: each step costs a pass over every class and prompt point.
            for _ in 0..<60 where high - low > 1e-12 * high {
                let mid = (low + high) / 2
                if holds(mid) { high = mid } else { low = mid }
            }
            return ProvisioningPlan.Latency(metric: target.metric.rawValue, percentile: target.percentile.rawValue, predicted: high,
                                            target: scale, unit: target.slowdown == nil ? "seconds" : "slowdown", met: high <= scale * (1 + 1e-9))
        }
    }
}
