import ClusterModel
import Foundation
@testable import Simulation
import Testing
import Throughput

@Suite struct SLOMissWatchTests {
    /// Eleven requests, p90 TTFT within 1 s: the percentile interpolates at rank 0.9 × 10 = 9 exactly, the
    /// 10th smallest of 11 values. One TTFT over 1 s leaves the 10th smallest at or below it (met); a second
    /// puts it over (missed), whatever the other nine are. At p50 (rank 5) it takes six.
    @Test func settlesAtTheRankThePercentileReads() {
        let requests = (0..<11).map { Request(arrivalSeconds: Double($0), promptTokens: 10, outputTokens: 2) }
        var p90 = SLOMissWatch(requests: requests, slo: SLOSet(targets: [.ttft: [.p90: .seconds(1)]]), isolated: nil)
        p90.finished(0, outputTokens: 2, ttftSeconds: 1.5, e2eSeconds: 2)
        #expect(!p90.missed)
        p90.finished(1, outputTokens: 2, ttftSeconds: 1, e2eSeconds: 2)
        #expect(!p90.missed, "a value at the limit meets it")
        p90.finished(2, outputTokens: 2, ttftSeconds: 1.0001, e2eSeconds: 2)
        #expect(p90.missed)
        var p50 = SLOMissWatch(requests: requests, slo: SLOSet(targets: [.e2e: [.p50: .seconds(1)]]), isolated: nil)
        for index in 0..<5 { p50.finished(index, outputTokens: 2, ttftSeconds: 0.1, e2eSeconds: 3) }
        #expect(!p50.missed)
        p50.finished(5, outputTokens: 2, ttftSeconds: 0.1, e2eSeconds: 3)
        #expect(p50.missed)
        var dropping = SLOMissWatch(requests: requests, slo: SLOSet(), isolated: nil)
        #expect(!dropping.missed)
        dropping.dropped()
        #expect(dropping.missed)
    }

    /// Against the finished run, over loads from light to far past capacity: a watched run stops only when
    /// the finished run misses an SLO, and otherwise gives the finished run's result; past capacity it
    /// stops after fewer than half the finished run's events.
    @Test func agreesWithTheFinishedRun() throws {
        let slo = SLOSet(targets: [.ttft: [.p50: .seconds(0.4), .p99: .seconds(2)], .tbt: [.p90: .seconds(0.02)],
                                   .e2e: [.p90: .seconds(3)]])
        var stoppedEarly = 0
        for rate in [2.0, 10, 14, 15, 16, 17, 18, 22, 30, 60] {
            var random = SplitMix64(seed: 11), clock = 0.0
            let requests = (0..<1500).map { _ in
                clock += ArrivalSampling.interarrival(.poisson(ratePerSecond: rate), ratePerSecond: rate, &random)
                return Request(arrivalSeconds: clock, promptTokens: 50 + random.nextIndex(150), outputTokens: 1 + random.nextIndex(60))
            }
            let full = try ClusterSimulation(requests: requests, pools: try linearPools(prompt: 2, token: 1))
            let finished = SimulationResult(trace: full.run(), slo: slo, reference: nil, wallSeconds: 0)
            let watched = try ClusterSimulation(requests: requests, pools: try linearPools(prompt: 2, token: 1))
            watched.missWatch = SLOMissWatch(requests: requests, slo: slo, isolated: nil)
            let trace = watched.run()
            if watched.stoppedAtSLOMiss {
                #expect(!finished.sloMet, "stopped at \(rate) req/s, where the finished run meets every SLO")
                #expect(trace.events < finished.events)
                stoppedEarly += 1
            } else {
                var result = SimulationResult(trace: trace, slo: slo, reference: nil, wallSeconds: 0)
                result.wallSeconds = finished.wallSeconds
                #expect(result == finished, "at \(rate) req/s")
            }
            // Just past capacity (about 15 req/s) to twice it; far beyond, the arrivals alone are most events.
            if (16...30).contains(rate) {
                #expect(watched.stoppedAtSLOMiss)
                #expect(Double(trace.events) < 0.5 * Double(finished.events), "\(trace.events) of \(finished.events) events at \(rate) req/s")
            }
        }
        #expect(stoppedEarly >= 3)
    }
}
