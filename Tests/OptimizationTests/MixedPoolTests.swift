@testable import ClusterModel
import Foundation
@testable import Optimization
import Testing

@Suite struct MixedPoolTests {
    /// The wait of a new prompt by hand. Decode steps of 0.1 s, and one kind of prompt adding 0.3 s to its
    /// iteration, arriving at 0.5 per second: chunk iterations (0.4 s) fill 0.5 × 0.4 = 20 % of the time.
    /// An arrival lands in a plain step with probability 0.8 and waits U(0, 0.1); in a chunk iteration with
    /// 0.2 and waits U(0, 0.4); its own first iteration carries another 0.3 s chunk with probability 0.2.
    @Test func iterationResidualByHand() {
        let residual = IterationResidual(step: 0.1, stallSizes: [0.3], stallWeights: [1], chunkIterationsPerSecond: 0.5)
        // No shared chunk (0.8): plain step never exceeds 0.2 s; a chunk iteration's U(0, 0.4) does half the time.
        // A shared chunk (0.2): 0.3 s > 0.2 s already.
        #expect(abs(residual.exceeds(0.2) - (0.8 * (0.8 * 0 + 0.2 * 0.5) + 0.2 * 1)) < 1e-12)
        // 0.35 s: without a shared chunk, only a chunk iteration's wait can pass it (P = 1 − 0.35/0.4 = 0.125);
        // with one, 0.05 s are left: the plain step passes it half the time, a chunk iteration 0.875 of it.
        #expect(abs(residual.exceeds(0.35) - (0.8 * 0.2 * 0.125 + 0.2 * (0.8 * 0.5 + 0.2 * 0.875))) < 1e-12)
        // Mean: half the iteration's length (0.8 · 0.05 + 0.2 · 0.2) plus the shared chunk (0.2 · 0.3).
        #expect(abs(residual.meanSeconds - (0.8 * 0.05 + 0.2 * 0.2 + 0.2 * 0.3)) < 1e-12)
        // No prompts: a uniform wait over the step.
        let quiet = IterationResidual(step: 0.1, stallSizes: [0.3], stallWeights: [1], chunkIterationsPerSecond: 0)
        #expect(abs(quiet.exceeds(0.025) - 0.75) < 1e-12 && quiet.exceeds(0.1) == 0)
    }

    /// Prompt points split each class's prompts into equal-count slices and take their centres; one point
    /// per class reproduces the class-level violation.
    @Test func promptPointsSpreadTheClass() {
        let sizes = (1...800).map { (promptTokens: $0, outputTokens: 10) }
        let sample = WorkloadSample(sizes: sizes, ratePerSecond: 1)
        let classes = WorkloadClasses.make(sample, promptBuckets: 2, outputBuckets: 1, promptPoints: 4)
        #expect(classes.count == 2)
        #expect(classes[0].promptPoints == [51, 151, 251, 351] && classes[1].promptPoints == [451, 551, 651, 751])
        let single = WorkloadClasses.make(sample, promptBuckets: 2, outputBuckets: 1, promptPoints: 1)
        let slo = SLOTargets(slo: SLOSet(), classes: single, reference: nil)
        let target = SLOTargets.Target(metric: .ttft, percentile: .p90, seconds: [1, 1], slowdown: nil)
        let byClass = SLOTargets.violation([target], classes: single) { k, _ in k == 0 ? 0.3 : 0 }
        let byPoint = slo.violationOverPrompts([target], classes: single) { k, _, _ in k == 0 ? 0.3 : 0 }
        #expect(abs(byClass - byPoint) < 1e-12 && abs(byClass - (0.15 - 0.1)) < 1e-12)
    }
}
