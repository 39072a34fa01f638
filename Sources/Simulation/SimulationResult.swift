import ClusterModel
import Foundation
import Throughput

/// Latency percentiles, slowdowns, SLO attainment, throughput, utilisation and energy of a simulation.
/// Stable JSON keys; `wallSeconds` is the only figure that varies between identical runs.
public struct SimulationResult: Sendable, Codable, Equatable {
    public struct Percentiles: Sendable, Codable, Equatable {
        public var p50: Double
        public var p90: Double
        public var p99: Double

        init(p50: Double, p90: Double, p99: Double) {
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
        }

        /// Reorders `values` (selection, not a full sort); zeros when there are none.
        init(selecting values: inout [Double]) {
            let found = values.isEmpty ? [0, 0, 0] : PercentileSelection.percentiles(&values, fractions: [0.5, 0.9, 0.99])
            p50 = found[0]
            p90 = found[1]
            p99 = found[2]
        }

        func value(_ percentile: Percentile) -> Double {
            switch percentile {
            case .p50: return p50
            case .p90: return p90
            case .p99: return p99
            }
        }
    }

    public struct Slowdowns: Sendable, Codable, Equatable {
        public var ttft: Percentiles
        public var tbt: Percentiles
        public var e2e: Percentiles
    }

    public struct SLOCheck: Sendable, Codable, Equatable {
        public var metric: String
        public var percentile: String
        public var unit: String
        public var target: Double
        /// The percentile achieved; null when no request completed, so there is nothing to measure.
        @NullEncodable public var achieved: Double?
        public var met: Bool
    }

    /// Where throughput is counted: requests completed in [startSeconds, endSeconds) of simulated time.
    public struct MeasurementWindow: Sendable, Codable, Equatable {
        public var startSeconds: Double
        public var endSeconds: Double

        /// Splitwise's window: 10 % to 90 % of the arrival duration (60 s to 540 s of a 600 s run),
        /// leaving out the warm-up, when the cluster fills, and the drain, when arrivals have stopped.
        public init(arrivalDurationSeconds: Double) {
            startSeconds = 0.1 * arrivalDurationSeconds
            endSeconds = 0.9 * arrivalDurationSeconds
        }
    }

    public struct Pool: Sendable, Codable, Equatable {
        public var role: Role
        public var machine: String
        public var powerCap: Double
        public var count: Int
        /// Share of the pool's instance time spent in prefill and in decode steps.
        public var prefillUtilisation: Double
        public var decodeUtilisation: Double
        /// Share of the pool's instance time spent borrowed into the mixed pool, and how often.
        public var borrowedShare: Double
        public var borrowings: Int
        public var energyKWh: Double
        public var meanPowerKW: Double
    }

    public var requests: Int
    public var completed: Int
    public var dropped: Int
    public var dropReasons: [String: Int]
    public var generatedTokens: Int
    /// KV preemptions (each freed a running request's KV cache for a later recompute), and how many
    /// requests were preempted at least once.
    public var preemptions: Int
    public var preemptedRequests: Int
    /// Requests served in the mixed pool: a static one, or instances borrowed into it.
    public var mixedRoutedRequests: Int
    public var ttft: Percentiles
    public var tbt: Percentiles
    public var e2e: Percentiles
    @NullEncodable public var slowdown: Slowdowns?
    public var slo: [SLOCheck]
    public var sloMet: Bool
    public var measurementWindow: MeasurementWindow
    /// Requests completed inside the measurement window per second of it: the throughput the cluster
    /// sustains while arrivals continue, as Splitwise measures it.
    public var completedRequestsPerSecond: Double
    /// Completed requests per second from the first arrival to the last completion: includes the
    /// drain after arrivals stop, so it understates what the cluster sustains.
    public var completedRequestsPerSecondWithDrain: Double
    public var simulatedSeconds: Double
    public var pools: [Pool]
    public var energyKWh: Double
    public var events: Int
    public var wallSeconds: Double
}

extension SimulationResult {
    /// Measures a finished simulation against the SLOs. Slowdowns divide each request's latency by the
    /// same request's latency alone on `reference`. `arrivalDurationSeconds` (default: the last arrival's
    /// time) sets the measurement window.
    /// `isolated`: per request, its latencies alone on `reference`, when already known (`IsolatedLatencyCache`).
    public init(trace: SimulationTrace, slo targets: SLOSet, reference: (any PerformanceModel)?, wallSeconds: Double,
                arrivalDurationSeconds: Double? = nil, isolated: [IsolatedLatency]? = nil) {
        // One pass over the outcomes into plain arrays; each is sorted once, in place.
        var ttftValues: [Double] = [], tbtValues: [Double] = [], e2eValues: [Double] = []
        var ttftRatios: [Double] = [], tbtRatios: [Double] = [], e2eRatios: [Double] = []
        var doneCount = 0, tokens = 0, preempted = 0, preemptionCount = 0
        var reasons: [String: Int] = [:]
        let alone = reference.map { reference in
            if let isolated, isolated.count == trace.outcomes.count { return isolated }
            return IsolatedLatencyCache.latencies(of: trace.outcomes.map(\.request), on: reference)
        }
        for (index, outcome) in trace.outcomes.enumerated() {
            preemptionCount += outcome.preemptions
            preempted += outcome.preemptions > 0 ? 1 : 0
            if let reason = outcome.dropReason { reasons[reason, default: 0] += 1 }
            guard outcome.dropReason == nil, outcome.e2eSeconds.isFinite else { continue }
            doneCount += 1
            tokens += outcome.request.outputTokens
            let latencies = RequestLatencies(ttftSeconds: outcome.ttftSeconds, e2eSeconds: outcome.e2eSeconds, outputTokens: outcome.request.outputTokens)
            ttftValues.append(latencies.ttft)
            tbtValues.append(latencies.tbt)
            e2eValues.append(latencies.e2e)
            if let alone {
                let slowdowns = latencies.slowdowns(against: alone[index])
                ttftRatios.append(slowdowns.ttft)
                e2eRatios.append(slowdowns.e2e)
                tbtRatios.append(slowdowns.tbt)
            }
        }
        requests = trace.outcomes.count
        completed = doneCount
        dropped = requests - completed
        dropReasons = reasons
        generatedTokens = tokens
        preemptions = preemptionCount
        preemptedRequests = preempted
        mixedRoutedRequests = trace.mixedRoutedRequests
        ttft = Percentiles(selecting: &ttftValues)
        tbt = Percentiles(selecting: &tbtValues)
        e2e = Percentiles(selecting: &e2eValues)
        var ratios: [LatencyMetric: Percentiles] = [:]
        if reference != nil, doneCount > 0 {
            ratios = [.ttft: Percentiles(selecting: &ttftRatios), .tbt: Percentiles(selecting: &tbtRatios), .e2e: Percentiles(selecting: &e2eRatios)]
        }
        if reference != nil {
            let zero = Percentiles(p50: 0, p90: 0, p99: 0)
            _slowdown = NullEncodable(wrappedValue: Slowdowns(ttft: ratios[.ttft] ?? zero, tbt: ratios[.tbt] ?? zero, e2e: ratios[.e2e] ?? zero))
        } else {
            _slowdown = NullEncodable(wrappedValue: nil)
        }
        let seconds: [LatencyMetric: Percentiles] = [.ttft: ttft, .tbt: tbt, .e2e: e2e]
        slo = targets.ordered.map { metric, percentile, target in
            switch target {
            case .seconds(let limit):
                let achieved = doneCount == 0 ? nil : seconds[metric]?.value(percentile)
                return SLOCheck(metric: metric.rawValue, percentile: percentile.rawValue, unit: "seconds", target: limit,
                                achieved: achieved, met: achieved.map { $0 <= limit } ?? false)
            case .slowdown(let limit):
                let achieved = ratios[metric]?.value(percentile)
                return SLOCheck(metric: metric.rawValue, percentile: percentile.rawValue, unit: "slowdown", target: limit,
                                achieved: achieved, met: achieved.map { $0 <= limit } ?? false)
            }
        }
        sloMet = dropped == 0 && slo.allSatisfy(\.met)
        let start = trace.outcomes.first?.request.arrivalSeconds ?? 0
        simulatedSeconds = trace.endSeconds
        completedRequestsPerSecondWithDrain = trace.endSeconds > start ? Double(completed) / (trace.endSeconds - start) : 0
        let window = MeasurementWindow(arrivalDurationSeconds: arrivalDurationSeconds ?? trace.outcomes.last?.request.arrivalSeconds ?? 0)
        measurementWindow = window
        let inWindow = trace.outcomes.reduce(0) { count, outcome in
            guard outcome.dropReason == nil, outcome.e2eSeconds.isFinite else { return count }
            let finished = outcome.request.arrivalSeconds + outcome.e2eSeconds
            return count + (finished >= window.startSeconds && finished < window.endSeconds ? 1 : 0)
        }
        completedRequestsPerSecond = window.endSeconds > window.startSeconds ? Double(inWindow) / (window.endSeconds - window.startSeconds) : 0
        pools = trace.pools.map { usage in
            let span = max(trace.endSeconds, 1e-12) * Double(max(usage.instances, 1))
            let idle = max(span - usage.prefillSeconds - usage.decodeSeconds, 0)
            let perInstance = 1 / Double(max(usage.instancesPerMachine, 1))
            let energy = (usage.prefillSeconds * usage.promptKW + usage.decodeSeconds * usage.tokenKW + idle * usage.idleKW) * perInstance / 3600
            return Pool(role: usage.spec.role, machine: usage.spec.machine.rawValue, powerCap: usage.spec.powerCap, count: usage.spec.count,
                        prefillUtilisation: usage.prefillSeconds / span, decodeUtilisation: usage.decodeSeconds / span,
                        borrowedShare: usage.borrowedSeconds / span, borrowings: usage.borrowings,
                        energyKWh: energy, meanPowerKW: trace.endSeconds > 0 ? energy * 3600 / trace.endSeconds : 0)
        }
        energyKWh = pools.reduce(0) { $0 + $1.energyKWh }
        events = trace.events
        self.wallSeconds = wallSeconds
    }
}
