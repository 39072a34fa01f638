import ClusterModel
import Foundation

extension PlanReader {
    /// Predicted percentiles by the same approximations that set the caps: M/M/n waits on each prompt pool and
    /// the pool's decode time per token; the mean-field model of a mixed pool at its planned load. A class's
    /// requests split across pools by their planned rates. The targets are found side by side: each is a
    /// bisection over every class and prompt point.
    func latencies() -> [ProvisioningPlan.Latency] {
        let paths = latencyPaths(), classes = input.classes
        return slo.targets.concurrentMap { target in
            // Smallest multiple of the targets' per-class scale at which the percentile holds, by bisection.
            let scale = target.slowdown ?? target.seconds.first ?? 1
            let unitSeconds = target.seconds.map { $0 / scale }
            // The share missed only grows class by class, so once it is over, the rest cannot bring it back.
            // A mixed pool's TBT and E2E tails have cheap upper bounds (`StallDistribution.exceedsBound`): once
            // the classes summed plus the rest at their bounds are within what the target allows (by a margin
            // above the sums' rounding), it holds, as the full sum would say.
            let allowed = 1 - target.percentile.fraction + 1e-12
            let bounded = boundsTails && target.metric != .ttft && paths.mixed.contains { !$0.isEmpty }
            func holds(_ multiple: Double) -> Bool {
                let share = { (k: Int) in classes[k].share }, value = { (k: Int) in paths.exceeds(k, multiple * unitSeconds[k], target: target) }
                guard bounded else { return !SLOTargets.sumExceeds(allowed, count: classes.count, share: share, value: value) }
                return !SLOTargets.sumExceeds(allowed, count: classes.count, share: share, value: value) {
                    paths.exceeds($0, multiple * unitSeconds[$0], metric: target.metric, point: 0, bounded: true)
                }
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

    /// Each class's paths through the planned pools, weighted by its planned rates on them.
    private func latencyPaths() -> LatencyPaths {
        let classes = input.classes
        var paths = LatencyPaths(classes: classes, slo: slo)
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
                    // A prompt pool's prefill for class k: the class mean, then each prompt point.
                    paths.prompt[k].append((rate, [profile.prefillSeconds[k]] + profile.prefillPointSeconds[k], wait))
                case .token: paths.decode[k].append((rate, profile.tokenStepSeconds))
                case .mixed: if let mixedState { paths.mixed[k].append((rate, mixedState)) }
                }
            }
        }
        paths.totalWeights()
        return paths
    }
}

/// What a class-k request's latency is made of under a plan: its prompt-pool paths (prefill, then the
/// pool's M/M/n wait), its token pools' time per token, and the mixed pools' states at their planned loads.
private struct LatencyPaths: Sendable {
    let classes: [WorkloadClass]
    let slo: SLOTargets
    var prompt: [[(weight: Double, prefill: [Double], wait: Queueing.WaitTail)]]
    var decode: [[(weight: Double, perToken: Double)]]
    var mixed: [[(weight: Double, state: MixedPoolState)]]
    /// Per class, once the paths are complete: the weights on its prompt, token and mixed paths, and its
    /// token paths' mean time per token (every bisection step reads them for every class).
    private(set) var promptWeight: [Double] = [], decodeWeight: [Double] = [], mixedWeight: [Double] = [], perToken: [Double] = []

    init(classes: [WorkloadClass], slo: SLOTargets) {
        self.classes = classes
        self.slo = slo
        prompt = classes.map { _ in [] }
        decode = classes.map { _ in [] }
        mixed = classes.map { _ in [] }
    }

    mutating func totalWeights() {
        promptWeight = prompt.map { $0.reduce(0) { $0 + $1.weight } }
        decodeWeight = decode.map { $0.reduce(0) { $0 + $1.weight } }
        mixedWeight = mixed.map { $0.reduce(0) { $0 + $1.weight } }
        perToken = decode.indices.map { k in decode[k].reduce(0) { $0 + $1.weight * $1.perToken } / decodeWeight[k] }
    }

    /// TTFT is taken at each prompt point of the class (`point`); E2E at the class's mean prompt.
    func splitExceeds(_ k: Int, _ seconds: Double, metric: LatencyMetric, point: Int) -> Double {
        let promptWeight = promptWeight[k], decodeWeight = decodeWeight[k]
        guard promptWeight > 0, decodeWeight > 0 else { return 0 }
        let perToken = perToken[k]
        if metric == .tbt {
            return decode[k].reduce(0) { $0 + $1.weight / decodeWeight * ($1.perToken > seconds ? 1 : 0) }
        }
        let decodeTime = metric == .e2e ? Double(max(classes[k].outputTokens - 1, 0)) * perToken : 0
        return prompt[k].reduce(0) { total, path in
            let prefill = metric == .ttft ? path.prefill[point + 1] : path.prefill[0]
            return total + path.weight / promptWeight * path.wait.exceeds(seconds - prefill - decodeTime)
        }
    }

    /// `bounded`: for TBT and E2E, an upper bound on the stall tail instead of the tail itself.
    func mixedExceeds(_ k: Int, _ seconds: Double, metric: LatencyMetric, point: Int, _ state: MixedPoolState, bounded: Bool = false) -> Double {
        switch metric {
        case .ttft: return state.ttftExceeds(seconds, classIndex: k, point: point)
        case .tbt: return state.tbtExceeds(seconds, classIndex: k, outputTokens: classes[k].outputTokens, bounded: bounded)
        case .e2e: return state.e2eExceeds(seconds, classIndex: k, bounded: bounded)
        }
    }

    func exceeds(_ k: Int, _ seconds: Double, metric: LatencyMetric, point: Int, bounded: Bool = false) -> Double {
        let splitWeight = promptWeight[k], mixedWeight = mixedWeight[k]
        guard splitWeight + mixedWeight > 0 else { return 0 }
        let mixedShare = mixed[k].reduce(0) { $0 + $1.weight * mixedExceeds(k, seconds, metric: metric, point: point, $1.state, bounded: bounded) }
        return (splitWeight * splitExceeds(k, seconds, metric: metric, point: point) + mixedShare) / (splitWeight + mixedWeight)
    }

    func exceeds(_ k: Int, _ seconds: Double, target: SLOTargets.Target) -> Double {
        guard target.metric == .ttft else { return exceeds(k, seconds, metric: target.metric, point: 0) }
        // The points' targets as `SLOTargets.pointSeconds` gives them, summed in order without an array.
        let ratios = slo.promptPointRatios[k], slowdown = target.slowdown != nil
        var sum = 0.0
        for j in ratios.indices { sum += exceeds(k, slowdown ? seconds * ratios[j] : seconds, metric: .ttft, point: j) }
        return sum / Double(max(ratios.count, 1))
    }
}
