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

    public init(slo: SLOSet, classes: [WorkloadClass], reference: (any PerformanceModel)?) {
        let isolated = reference.map { model in
            classes.map { model.isolatedLatency(promptTokens: $0.promptTokens, outputTokens: $0.outputTokens) }
        }
        self.reference = isolated
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

    /// Fraction of requests (by class share) whose latency exceeds its target must stay ≤ 1 − percentile.
    /// `exceeds(k, seconds)` gives the probability that a class-k request takes longer than `seconds`.
    public static func violation(_ targets: [Target], classes: [WorkloadClass], exceeds: (Int, Double) -> Double) -> Double {
        targets.map { target in
            let missed = classes.indices.reduce(0.0) { $0 + classes[$1].share * exceeds($1, target.seconds[$1]) }
            return missed - (1 - target.percentile.fraction)
        }.max() ?? -1
    }
}
