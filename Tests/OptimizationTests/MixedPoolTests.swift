@testable import ClusterModel
import Foundation
import GLPKBackend
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
    /// The residual's tail, which skips iterations no longer than what is left, is the whole double sum bit
    /// for bit: random steps, stalls (some of no time), arrival rates and thresholds from below zero up.
    @Test func iterationResidualSkipsOnlyZeros() {
        var random = SplitMix64(seed: 37)
        var partial = 0, ascending = 0
        for _ in 0..<3000 {
            let count = 1 + random.nextIndex(14)
            // Binned stalls ascend (the lengths then do too); others come in any order.
            let stalls = (0..<count).map { _ in random.nextIndex(6) == 0 ? 0 : random.nextUnit() }
            let residual = IterationResidual(step: random.nextUnit() * 0.2, stallSizes: random.nextIndex(2) == 0 ? stalls.sorted() : stalls,
                                             stallWeights: (0..<count).map { _ in random.nextUnit() }, chunkIterationsPerSecond: random.nextUnit() * 3,
                                             servers: 1 + random.nextIndex(4))
            let seconds = random.nextUnit() * 1.5 - 0.1
            let whole = residual.shared.reduce(0.0) { total, chunk in
                total + chunk.probability * residual.lengths.reduce(0.0) { sum, length in
                    let left = seconds - chunk.seconds
                    guard left >= 0 else { return sum + length.probability }
                    guard length.seconds > 0 else { return sum }
                    return sum + length.probability * min(1, max(0, 1 - left / length.seconds))
                }
            }
            #expect(residual.exceeds(seconds) == whole, "\(residual), \(seconds) s")
            if whole > 0, residual.lengths.contains(where: { $0.seconds > 0 && $0.seconds <= seconds }) {
                partial += 1
                if residual.lengthsAscend { ascending += 1 }
            }
        }
        // Many cases skip some iterations and still count others, with the lengths ascending or not.
        #expect(partial - ascending > 150 && ascending > 150)
    }

    /// The early-stopping verdict over prompt points is the sign of the whole violation, on random classes,
    /// points, slowdown and absolute targets and percentiles from p50 to p99, with each class bounded by its
    /// largest point's tail (which settles some targets before their sums).
    @Test func missedOverPromptsIsTheViolationsSign() {
        var random = SplitMix64(seed: 41)
        var missed = 0
        for _ in 0..<2000 {
            let sizes = (0..<400).map { _ in (promptTokens: 1 + random.nextIndex(4000), outputTokens: 1 + random.nextIndex(500)) }
            let classes = WorkloadClasses.make(WorkloadSample(sizes: sizes, ratePerSecond: 1), promptBuckets: 1 + random.nextIndex(3),
                                               outputBuckets: 1 + random.nextIndex(3), promptPoints: 1 + random.nextIndex(4))
            var slo = SLOTargets(slo: SLOSet(), classes: classes, reference: nil)
            // Points whose targets differ from the class's, as a reference machine's prefill times make them.
            if random.nextIndex(2) == 0 { slo.promptPointRatios = classes.map { $0.promptPoints.map { _ in 0.5 + random.nextUnit() } } }
            let targets = [Percentile.p50, .p90, .p99].map { percentile in
                SLOTargets.Target(metric: .ttft, percentile: percentile, seconds: classes.map { _ in random.nextUnit() * 2 },
                                  slowdown: random.nextIndex(2) == 0 ? nil : 2)
            }
            let scale = random.nextUnit() * 0.06
            let tails = classes.map { $0.promptPoints.map { _ in random.nextUnit() * scale } }
            let exceeds = { (k: Int, j: Int, seconds: Double) in tails[k][j] * exp(-seconds) }
            let bound = { (k: Int, _: SLOTargets.Target) in tails[k].max() ?? 0 }
            let verdict = targets.contains { slo.missedOverPrompts($0, classes: classes, exceeds: exceeds, bound: bound) }
            #expect(verdict == (slo.violationOverPrompts(targets, classes: classes, exceeds: exceeds) > 0))
            if verdict { missed += 1 }
        }
        // Both verdicts are common.
        #expect(missed > 300 && missed < 1700, "\(missed) missed")
    }
}

extension MixedPoolTests {
    /// A mixed pool's TTFT bound for a class is at least the mean of its prompt points' tails, at loads from
    /// idle to past capacity on the Splitwise coding and conversation baselines (DGX-A100 and DGX-H100), for
    /// slowdown targets from 1 to 12 on every class; and the early-stopping verdict with these bounds is
    /// the one without them.
    @Test(arguments: ["splitwise-coding-llama2-70b-iso-cost", "splitwise-conversation-bloom-176b-iso-cost"])
    func ttftBoundHoldsOverThePoints(scenarioName: String) throws {
        let shipped = try ShippedPlanning(scenarioName)
        let (scenario, request, planner, context) = (shipped.scenario, shipped.request, shipped.planner, shipped.context)
        let (classes, slo) = (context.classes, context.slo)
        var random = SplitMix64(seed: 61)
        var settled = 0, verdicts = 0
        for (index, design) in scenario.designs.enumerated() where design.rawValue.hasPrefix("baseline") {
            let input = try planner.prepare(request, context: context, design: design, designIndex: index, tbtHeadroom: 1, curves: true)
            for mixed in input.mixedProfiles.values {
                for _ in 0..<60 {
                    let state = mixed.atOccupancy(perInstance: random.nextUnit() * 1.5 * mixed.occupancyPerInstance)
                    let targets = [Percentile.p50, .p90, .p99].map { percentile in
                        let factor = 1 + 11 * random.nextUnit()
                        return SLOTargets.Target(metric: .ttft, percentile: percentile,
                                                 seconds: (slo.reference ?? []).map { factor * $0.ttftSeconds }, slowdown: factor)
                    }
                    let exceeds = { (k: Int, j: Int, seconds: Double) in state.ttftExceeds(seconds, classIndex: k, point: j) }
                    let bound = { (k: Int, target: SLOTargets.Target) -> Double in
                        let ratios = slo.promptPointRatios[k]
                        return state.ttftBound(classIndex: k, points: ratios.count) { target.seconds[k] * ratios[$0] }
                    }
                    for target in targets {
                        for k in classes.indices {
                            let ratios = slo.promptPointRatios[k]
                            let mean = ratios.indices.reduce(0.0) { $0 + exceeds(k, $1, target.seconds[k] * ratios[$1]) } / Double(ratios.count)
                            #expect(bound(k, target) + 1e-12 >= mean, "class \(k), \(target.percentile)")
                        }
                        let rest = classes.indices.reduce(0.0) { $0 + classes[$1].share * bound($1, target) }
                        if rest <= 1 - target.percentile.fraction { settled += 1 }
                    }
                    #expect(targets.contains { slo.missedOverPrompts($0, classes: classes, exceeds: exceeds, bound: bound) }
                            == (slo.violationOverPrompts(targets, classes: classes, exceeds: exceeds) > 0))
                    verdicts += 1
                }
            }
        }
        #expect(verdicts >= 100 && settled > 50, "\(settled) targets settled by the bounds in \(verdicts) verdicts")
    }
}

extension MixedPoolTests {
    /// Predicted latencies found with the mixed pools' tail bounds settling bisection steps are the ones found
    /// without them, to the bit: every SLO of the Splitwise coding and conversation baselines (mixed pools of
    /// DGX-A100s and DGX-H100s), the most throughput their budgets buy and the least cost of 10 req/s.
    @Test(arguments: ["splitwise-coding-bloom-176b-iso-cost", "splitwise-conversation-llama2-70b-iso-power"])
    func latenciesWithTailBoundsAreTheSame(scenarioName: String) throws {
        var compared = 0
        for (objective, rate) in [(Objective.maxThroughput, nil), (.minCost, 10.0)] {
            let shipped = try ShippedPlanning(scenarioName, objective: objective, ratePerSecond: rate)
            let (scenario, request, planner, context) = (shipped.scenario, shipped.request, shipped.planner, shipped.context)
            for (index, design) in scenario.designs.enumerated() where design.rawValue.hasPrefix("baseline") {
                let input = try planner.prepare(request, context: context, design: design, designIndex: index, tbtHeadroom: 1, curves: true)
                var solve = ProvisioningSolve(input: input, solver: planner.solver, options: planner.options, slo: context.slo, objective: objective,
                                              model: context.model.id)
                let bounded = try solve.run()
                solve.boundsTails = false
                let plain = try solve.run()
                #expect(bounded.feasible && !bounded.latencies.isEmpty)
                #expect(bounded.latencies.map(\.predicted) == plain.latencies.map(\.predicted), "\(design) at \(rate ?? -1) req/s")
                compared += bounded.latencies.count
            }
        }
        #expect(compared >= 30)
    }
}

extension MixedPoolTests {
    /// A mixed pool's verdict, asking first the target that broke last and settling classes by the tails'
    /// bounds, is the sign of the plain whole sums (`violation` over TBT at the headroom and E2E,
    /// `violationOverPrompts` over TTFT), state after state: loads from idle to twice capacity in random
    /// order on the Splitwise coding and conversation baselines, at each TBT headroom level, with each
    /// X so that every target binds somewhere.
    @Test(arguments: ["splitwise-coding-bloom-176b-iso-cost", "splitwise-conversation-llama2-70b-iso-power"])
    func verdictIsThePlainSums(scenarioName: String) throws {
        let shipped = try ShippedPlanning(scenarioName)
        let (scenario, request, planner, context) = (shipped.scenario, shipped.request, shipped.planner, shipped.context)
        let classes = context.classes
        var random = SplitMix64(seed: 67)
        var missed = 0, held = 0, brokenAlone = Set<Int>(), brokenAtAll = Set<Int>()
        for (index, design) in scenario.designs.enumerated() where design.rawValue.hasPrefix("baseline") {
            let input = try planner.prepare(request, context: context, design: design, designIndex: index, tbtHeadroom: 1, curves: true)
            for mixed in input.mixedProfiles.values {
                for headroom in ProvisioningPlanner.tbtHeadroomLevels {
                    var slo = context.slo
                    for t in slo.targets.indices {
                        let factor = 0.25 + 1.75 * random.nextUnit()
                        slo.targets[t].seconds = slo.targets[t].seconds.map { $0 * factor }
                        slo.targets[t].slowdown = slo.targets[t].slowdown.map { $0 * factor }
                    }
                    var verdict = MixedPoolVerdict(classes: classes, slo: slo, tbtHeadroom: headroom)
                    for _ in 0..<80 {
                        let state = mixed.atOccupancy(perInstance: random.nextUnit() * 2 * mixed.occupancyPerInstance)
                        let outputs = classes.map(\.outputTokens)
                        let plain = SLOTargets.violation(slo.of(.tbt), classes: classes) { k, seconds in
                            state.tbtExceeds(headroom * seconds, classIndex: k, outputTokens: outputs[k])
                        } > 0 || SLOTargets.violation(slo.of(.e2e), classes: classes) { k, seconds in state.e2eExceeds(seconds, classIndex: k) } > 0
                            || slo.violationOverPrompts(slo.of(.ttft), classes: classes) { k, j, seconds in state.ttftExceeds(seconds, classIndex: k, point: j) } > 0
                        #expect(verdict.misses(state) == plain)
                        if plain { missed += 1 } else { held += 1 }
                        // Which targets break, and which alone (then the verdict is theirs to give).
                        let broken = slo.targets.indices.filter { t in
                            let one = [slo.targets[t]]
                            switch slo.targets[t].metric {
                            case .tbt: return SLOTargets.violation(one, classes: classes) { k, s in state.tbtExceeds(headroom * s, classIndex: k, outputTokens: outputs[k]) } > 0
                            case .e2e: return SLOTargets.violation(one, classes: classes) { k, s in state.e2eExceeds(s, classIndex: k) } > 0
                            case .ttft: return slo.violationOverPrompts(one, classes: classes) { k, j, s in state.ttftExceeds(s, classIndex: k, point: j) } > 0
                            }
                        }
                        brokenAtAll.formUnion(broken)
                        if broken.count == 1 { brokenAlone.insert(broken[0]) }
                    }
                }
            }
        }
        #expect(missed > 100 && held > 50, "\(missed) states missed, \(held) held")
        #expect(brokenAtAll.count >= 7 && brokenAlone.count >= 3,
                "targets that broke a state: \(brokenAtAll.sorted()), alone: \(brokenAlone.sorted())")
    }
}
