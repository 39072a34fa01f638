import ClusterModel
import Throughput

/// Settles, while a simulation runs, that it misses an SLO: once so many requests have finished over a
/// target that its percentile is over the target whatever the rest do, or once a request is dropped. A
/// search for the highest rate a cluster sustains needs only that verdict, and a run past capacity
/// settles it long before its backlog drains.
///
/// Exact, not a heuristic: the verdict is the finished run's `sloMet == false`. Each request's value is
/// computed as `SimulationResult` computes it, and a percentile of N values interpolates between the
/// values of ranks ⌊p(N−1)⌋ and ⌈p(N−1)⌉ (`PercentileSelection`), so it is over the limit once more than
/// ⌊p(N−1)⌋ of the N are below or at it no longer can be: once N − ⌊p(N−1)⌋ are over it.
public struct SLOMissWatch: Sendable {
    struct Watched: Sendable {
        var metric: LatencyMetric
        var limit: Double
        var slowdown: Bool
        /// Requests over the limit that settle the percentile over it.
        var settling: Int
        var over = 0
    }

    private var watched: [Watched]
    /// Per request, its latencies alone on the reference machine (empty without slowdown targets).
    private let alone: [IsolatedLatency]
    public private(set) var missed = false

    /// `isolated`: per request, its latencies alone on the reference machine slowdowns are measured against
    /// (`IsolatedLatencyCache`); without them a slowdown target is never met.
    public init(requests: [Request], slo: SLOSet, isolated: [IsolatedLatency]?) {
        let count = requests.count
        watched = slo.ordered.map { metric, percentile, target in
            let rank = Int((percentile.fraction * Double(max(count - 1, 0))).rounded(.down))
            switch target {
            case .seconds(let limit): return Watched(metric: metric, limit: limit, slowdown: false, settling: count - rank)
            case .slowdown(let limit): return Watched(metric: metric, limit: limit, slowdown: true, settling: count - rank)
            }
        }
        let slowdowns = watched.contains(where: \.slowdown)
        alone = slowdowns ? isolated ?? [] : []
        // Slowdowns without a reference, or no request at all: no percentile can be met.
        missed = (slowdowns && alone.count != count) || (count == 0 && !watched.isEmpty)
    }

    /// Request `index` finished, `ttftSeconds` and `e2eSeconds` after its arrival.
    mutating func finished(_ index: Int, outputTokens: Int, ttftSeconds: Double, e2eSeconds: Double) {
        guard !missed, e2eSeconds.isFinite else { return }
        let seconds = RequestLatencies(ttftSeconds: ttftSeconds, e2eSeconds: e2eSeconds, outputTokens: outputTokens)
        // Slowdown targets without these have settled the verdict already (init).
        let slowdowns = alone.isEmpty ? seconds : seconds.slowdowns(against: alone[index])
        for position in watched.indices {
            let target = watched[position]
            guard (target.slowdown ? slowdowns : seconds).value(target.metric) > target.limit else { continue }
            watched[position].over += 1
            if watched[position].over >= target.settling { missed = true }
        }
    }

    /// A dropped request: the run misses its SLOs.
    mutating func dropped() {
        missed = true
    }
}
