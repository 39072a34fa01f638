import ClusterModel
@testable import Optimization
import Testing

@Suite struct StallBoundTests {
    /// The bound (Markov's or Cantelli's, on the lattice) is never below the tail the recursion computes:
    /// random stall sizes (some beyond the slack, some of no time), slacks from below zero up, and mean
    /// counts from none to many; and Cantelli's part is what decides some of them.
    @Test func boundHoldsOverTheTail() {
        var random = SplitMix64(seed: 29)
        var belowMarkov = 0
        for _ in 0..<3000 {
            let count = 1 + random.nextIndex(8)
            let sizes = (0..<count).map { _ in random.nextIndex(10) == 0 ? 0 : random.nextUnit() * 0.5 }
            let stalls = StallDistribution(sizes: sizes, weights: (0..<count).map { _ in random.nextUnit() })
            let slack = random.nextUnit() * 3 - 0.1, meanCount = random.nextIndex(8) == 0 ? 0 : random.nextUnit() * 20
            let tail = stalls.exceeds(slack, meanCount: meanCount), bound = stalls.exceedsBound(slack, meanCount: meanCount)
            #expect(bound + 1e-12 >= tail, "sizes \(sizes), slack \(slack), mean count \(meanCount)")
            let unit = slack / Double(StallDistribution.latticeSteps)
            let markov = min(1, meanCount * (stalls.timedMeanSeconds + stalls.timedShare * unit) / slack)
            if slack > 0, meanCount > 1e-12, bound < markov { belowMarkov += 1 }
        }
        #expect(belowMarkov > 100)
    }

    /// With the bounds, the same verdict as without, on random classes and targets whose tails are
    /// compound-Poisson stalls (percentiles from p50 to p99, so the bounds settle some classes and not others).
    @Test func boundedVerdictIsTheFullOne() {
        var random = SplitMix64(seed: 31)
        var settledByBounds = 0
        for _ in 0..<2000 {
            let count = 1 + random.nextIndex(6)
            let shares = (0..<count).map { _ in random.nextUnit() + 0.01 }, total = shares.reduce(0, +)
            let classes = shares.map { WorkloadClass(promptTokens: 100, outputTokens: 10, share: $0 / total, ratePerSecond: 1) }
            let stalls = StallDistribution(sizes: (0..<4).map { _ in random.nextUnit() * 0.2 }, weights: (0..<4).map { _ in random.nextUnit() })
            let meanCounts = (0..<count).map { _ in random.nextUnit() * 10 }
            let targets = [Percentile.p50, .p90, .p99].map { percentile in
                SLOTargets.Target(metric: .e2e, percentile: percentile, seconds: (0..<count).map { _ in random.nextUnit() * 3 }, slowdown: nil)
            }
            var evaluated = 0
            let exceeds = { (k: Int, seconds: Double) -> Double in
                evaluated += 1
                return stalls.exceeds(seconds, meanCount: meanCounts[k])
            }
            // Without bounds: each target's sum, stopped once it is over.
            let full = targets.contains { target in
                SLOTargets.sumExceeds(1 - target.percentile.fraction, count: count, share: { classes[$0].share },
                                      value: { exceeds($0, target.seconds[$0]) })
            }
            let fullEvaluations = evaluated
            evaluated = 0
            let bounded = targets.contains { target in
                SLOTargets.missed(target, classes: classes, exceeds: exceeds,
                                  bound: { k, seconds in stalls.exceedsBound(seconds, meanCount: meanCounts[k]) })
            }
            #expect(bounded == full)
            #expect(full == (SLOTargets.violation(targets, classes: classes) { k, seconds in stalls.exceeds(seconds, meanCount: meanCounts[k]) } > 0))
            if evaluated < fullEvaluations { settledByBounds += 1 }
        }
        // The bounds must actually decide some cases, or this test checks nothing.
        #expect(settledByBounds > 100)
    }
}
