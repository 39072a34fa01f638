import ClusterModel
import Throughput

/// The scenario's SLOs resolved to seconds for each workload class: a slowdown target is multiplied by
/// the class's latency alone on the reference machine.
public struct SLOTargets: Sendable {
    public struct Target: Sendable {
        public var metric: LatencyMetric
        public var percentile: Percentile
        /// Seconds allowed, per class.
        public var seconds: [Double]
        public var slowdown: Double?
    }

    public var targets: [Target]
    /// Per class: the request alone on the reference machine (nil without one).
    public var reference: [IsolatedLatency]?
    /// Per class and prompt point: the point's TTFT alone on the reference machine over the class's, the
    /// factor that turns a class's TTFT slowdown target into the point's (all 1 without a reference).
    public var promptPointRatios: [[Double]]

    public init(slo: SLOSet, classes: [WorkloadClass], reference: (any PerformanceModel)?) {
        let isolated = reference.map { model in
            classes.map { model.isolatedLatency(promptTokens: $0.promptTokens, outputTokens: $0.outputTokens) }
        }
        self.reference = isolated
        promptPointRatios = classes.map { workload in
            guard let reference else { return workload.promptPoints.map { _ in 1 } }
            let mean = reference.prefillSeconds(promptTokens: workload.promptTokens)
            return workload.promptPoints.map { mean > 0 ? reference.prefillSeconds(promptTokens: $0) / mean : 1 }
        }
        targets = slo.ordered.map { metric, percentile, target in
            switch target {
            case .seconds(let seconds):
                return Target(metric: metric, percentile: percentile, seconds: classes.map { _ in seconds }, slowdown: nil)
            case .slowdown(let factor):
                let seconds = (isolated ?? []).map { latency -> Double in
                    switch metric {
                    case .ttft: return factor * latency.ttftSeconds
                    case .tbt: return factor * latency.tbtSeconds
                    case .e2e: return factor * latency.e2eSeconds
                    }
                }
                return Target(metric: metric, percentile: percentile, seconds: seconds, slowdown: factor)
            }
        }
    }

    public func of(_ metric: LatencyMetric) -> [Target] { targets.filter { $0.metric == metric } }

    /// The seconds allowed at each prompt point of class `k`, for a class target of `seconds`.
    public func pointSeconds(_ seconds: Double, slowdown: Bool, classIndex k: Int) -> [Double] {
        promptPointRatios[k].map { slowdown ? seconds * $0 : seconds }
    }

    /// As `violation`, over each class's prompt points (equally weighted within the class):
    /// `exceeds(k, j, seconds)` is the probability that a class-k request of prompt point j takes longer.
    public func violationOverPrompts(_ targets: [Target], classes: [WorkloadClass], exceeds: (Int, Int, Double) -> Double) -> Double {
        targets.map { target in
            let missed = classes.indices.reduce(0.0) { total, k in
                let points = pointSeconds(target.seconds[k], slowdown: target.slowdown != nil, classIndex: k)
                let mean = points.indices.reduce(0.0) { $0 + exceeds(k, $1, points[$1]) } / Double(max(points.count, 1))
                return total + classes[k].share * mean
            }
            return missed - (1 - target.percentile.fraction)
        }.max() ?? -1
    }

    /// Fraction of requests (by class share) whose latency exceeds its target must stay ≤ 1 − percentile.
    /// `exceeds(k, seconds)` gives the probability that a class-k request takes longer than `seconds`.
    public static func violation(_ targets: [Target], classes: [WorkloadClass], exceeds: (Int, Double) -> Double) -> Double {
        targets.map { target in
            let missed = classes.indices.reduce(0.0) { $0 + classes[$1].share * exceeds($1, target.seconds[$1]) }
            return missed - (1 - target.percentile.fraction)
        }.max() ?? -1
    }

    /// Whether one target is missed, as `violation([target], ...) > 0` decides it (the same sums in the same
    /// order), given `bound(k, seconds)` ≥ `exceeds(k, seconds)` for every class: the sum stops at the first
    /// class that settles it (see `sumExceeds(_:count:share:value:bound:)`), since the load searches only
    /// read the sign.
    public static func missed(_ target: Target, classes: [WorkloadClass], exceeds: (Int, Double) -> Double,
                              bound: (Int, Double) -> Double) -> Bool {
        sumExceeds(1 - target.percentile.fraction, count: classes.count, share: { classes[$0].share }, value: { exceeds($0, target.seconds[$0]) },
                   bound: { bound($0, target.seconds[$0]) })
    }

    /// As `missed`, over each class's prompt points, as `violationOverPrompts([target], ...) > 0` decides it,
    /// given `bound(k, target)` ≥ the mean of class k's points' `exceeds` under `target`.
    public func missedOverPrompts(_ target: Target, classes: [WorkloadClass], exceeds: (Int, Int, Double) -> Double,
                                  bound: (Int, Target) -> Double) -> Bool {
        Self.sumExceeds(1 - target.percentile.fraction, count: classes.count, share: { classes[$0].share },
                        value: { pointsMean(target, classIndex: $0, exceeds: exceeds) }, bound: { bound($0, target) })
    }

    /// Whether the share of requests over their target, `share(k) × value(k)` summed over the classes in
    /// order, exceeds `allowed`: stopping at the first class that takes it past (the partial sums only grow).
    @inline(__always)
    static func sumExceeds(_ allowed: Double, count: Int, share: (Int) -> Double, value: (Int) -> Double) -> Bool {
        var missed = 0.0
        for k in 0..<count {
            missed += share(k) * value(k)
            if missed > allowed { return true }
        }
        return false
    }

    /// The same answer, given `bound(k)` ≥ `value(k)`: the sum stops as well once the classes summed plus
    /// the rest at their bounds stay within `allowed` (`settled`). The classes summed are summed as before.
    @inline(__always)
    static func sumExceeds(_ allowed: Double, count: Int, share: (Int) -> Double, value: (Int) -> Double, bound: (Int) -> Double) -> Bool {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: count + 1) { rest in
            // rest[k]: the classes from k on, each at its bound.
            rest[count] = 0
            for k in stride(from: count - 1, through: 0, by: -1) { rest[k] = rest[k + 1] + share(k) * bound(k) }
            var missed = 0.0
            for k in 0..<count {
                if settled(missed, rest: rest[k], allowed: allowed) { return false }
                missed += share(k) * value(k)
                if missed > allowed { return true }
            }
            return false
        }
    }

    /// Whether a sum `missed` plus bounds summing to `rest` stays within `allowed` by a margin (10⁻⁹
    /// relative, 10⁻¹² absolute) well above the rounding of both sums: the full sum would stay within it.
    @inline(__always)
    static func settled(_ missed: Double, rest: Double, allowed: Double) -> Bool {
        missed + rest * (1 + 1e-9) + 1e-12 <= allowed
    }

    /// The mean of `exceeds` over class k's points at their targets as `pointSeconds` gives them, summed in
    /// order without an array per class: the load searches ask this for every class at every load they try.
    @inline(__always)
    private func pointsMean(_ target: Target, classIndex k: Int, exceeds: (Int, Int, Double) -> Double) -> Double {
        let seconds = target.seconds[k], ratios = promptPointRatios[k], slowdown = target.slowdown != nil
        var sum = 0.0
        for j in ratios.indices { sum += exceeds(k, j, slowdown ? seconds * ratios[j] : seconds) }
        return sum / Double(max(ratios.count, 1))
    }
}
