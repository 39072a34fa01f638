import ClusterModel
import Foundation
import Throughput

extension SimulationResult {
    /// Measures a finished simulation against the SLOs. Slowdowns divide each request's latency by the
    /// same request's latency alone on `reference`.
    public init(trace: SimulationTrace, slo targets: SLOSet, reference: (any PerformanceModel)?, wallSeconds: Double) {
        let done = trace.outcomes.filter { $0.dropReason == nil && $0.e2eSeconds.isFinite }
        requests = trace.outcomes.count
        completed = done.count
        dropped = requests - completed
        dropReasons = Dictionary(trace.outcomes.compactMap { $0.dropReason.map { ($0, 1) } }, uniquingKeysWith: +)
        generatedTokens = done.reduce(0) { $0 + $1.request.outputTokens }
        let tbtValues = done.map { ($0.e2eSeconds - $0.ttftSeconds) / Double($0.request.outputTokens) }
        ttft = Percentiles(done.map(\.ttftSeconds))
        tbt = Percentiles(tbtValues)
        e2e = Percentiles(done.map(\.e2eSeconds))
        var slowdowns: [LatencyMetric: [Double]] = [:]
        if let reference {
            var cache: [Int: IsolatedLatency] = [:]
            var ratios: [LatencyMetric: [Double]] = [.ttft: [], .tbt: [], .e2e: []]
            for (outcome, tbtSeconds) in zip(done, tbtValues) {
                let key = outcome.request.promptTokens << 32 | outcome.request.outputTokens
                let alone = cache[key] ?? reference.isolatedLatency(promptTokens: outcome.request.promptTokens, outputTokens: outcome.request.outputTokens)
                cache[key] = alone
                ratios[.ttft, default: []].append(outcome.ttftSeconds / alone.ttftSeconds)
                ratios[.e2e, default: []].append(outcome.e2eSeconds / alone.e2eSeconds)
                ratios[.tbt, default: []].append(alone.tbtSeconds > 0 ? tbtSeconds / alone.tbtSeconds : 1)
            }
            slowdowns = ratios
            slowdown = Slowdowns(ttft: Percentiles(ratios[.ttft] ?? []), tbt: Percentiles(ratios[.tbt] ?? []), e2e: Percentiles(ratios[.e2e] ?? []))
        } else {
            slowdown = nil
        }
        let seconds: [LatencyMetric: Percentiles] = [.ttft: ttft, .tbt: tbt, .e2e: e2e]
        let sorted = slowdowns.mapValues { $0.sorted() }
        slo = targets.ordered.map { metric, percentile, target in
            switch target {
            case .seconds(let limit):
                let achieved = seconds[metric]?.value(percentile) ?? .infinity
                return SLOCheck(metric: metric.rawValue, percentile: percentile.rawValue, unit: "seconds", target: limit,
                                achieved: achieved, met: achieved <= limit)
            case .slowdown(let limit):
                let values = sorted[metric] ?? []
                let achieved = values.isEmpty ? .infinity : Statistics.percentileOfSorted(values, percentile.fraction)
                return SLOCheck(metric: metric.rawValue, percentile: percentile.rawValue, unit: "slowdown", target: limit,
                                achieved: achieved, met: achieved <= limit)
            }
        }
        sloMet = dropped == 0 && slo.allSatisfy(\.met)
        let start = trace.outcomes.first?.request.arrivalSeconds ?? 0
        simulatedSeconds = trace.endSeconds
        throughput = trace.endSeconds > start ? Double(completed) / (trace.endSeconds - start) : 0
        pools = trace.pools.map { usage in
            let span = max(trace.endSeconds, 1e-12) * Double(max(usage.instances, 1))
            let idle = max(span - usage.prefillSeconds - usage.decodeSeconds, 0)
            let perInstance = 1 / Double(max(usage.instancesPerMachine, 1))
            let energy = (usage.prefillSeconds * usage.promptKW + usage.decodeSeconds * usage.tokenKW + idle * usage.idleKW) * perInstance / 3600
            return Pool(role: usage.spec.role, machine: usage.spec.machine.rawValue, powerCap: usage.spec.powerCap, count: usage.spec.count,
                        prefillUtilisation: usage.prefillSeconds / span, decodeUtilisation: usage.decodeSeconds / span,
                        energyKWh: energy, meanPowerKW: trace.endSeconds > 0 ? energy * 3600 / trace.endSeconds : 0)
        }
        energyKWh = pools.reduce(0) { $0 + $1.energyKWh }
        events = trace.events
        self.wallSeconds = wallSeconds
    }
}
