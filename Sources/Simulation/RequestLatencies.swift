import ClusterModel
import Throughput

/// One finished request's TTFT, TBT and E2E, in seconds or as slowdowns against its latencies alone.
/// `SimulationResult` and `SLOMissWatch` both read them from here, so that the watch's verdict is the
/// result's to the last bit.
struct RequestLatencies {
    var ttft: Double
    var tbt: Double
    var e2e: Double

    /// TBT as Splitwise defines it: (E2E − TTFT) / output tokens.
    init(ttftSeconds: Double, e2eSeconds: Double, outputTokens: Int) {
        ttft = ttftSeconds
        tbt = (e2eSeconds - ttftSeconds) / Double(outputTokens)
        e2e = e2eSeconds
    }

    private init(ttft: Double, tbt: Double, e2e: Double) {
        (self.ttft, self.tbt, self.e2e) = (ttft, tbt, e2e)
    }

    /// Each over the same request alone (TBT 1 where it has no decode alone).
    func slowdowns(against alone: IsolatedLatency) -> RequestLatencies {
        RequestLatencies(ttft: ttft / alone.ttftSeconds, tbt: alone.tbtSeconds > 0 ? tbt / alone.tbtSeconds : 1, e2e: e2e / alone.e2eSeconds)
    }

    func value(_ metric: LatencyMetric) -> Double {
        switch metric {
        case .ttft: return ttft
        case .tbt: return tbt
        case .e2e: return e2e
        }
    }
}
