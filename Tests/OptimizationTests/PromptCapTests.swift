import ClusterModel
import Foundation
import GLPKBackend
@testable import Optimization
import Testing

@Suite struct PromptCapTests {
    /// The prompt cap's verdict, with each target's waits worked out once, is the one `SLOTargets` gives
    /// over the TTFT targets' prompt points and then the E2E targets, at every utilisation the search can
    /// try; and the cap is the same bisection's to the bit. The Splitwise conversation and coding scenarios
    /// (nine slowdown targets against a DGX-A100, four prompt points per class), every split option, pools
    /// of 1 to 64 prefill instances, decodes from 20 to 80 ms a token.
    @Test(arguments: ["splitwise-coding-llama2-70b-iso-cost", "splitwise-conversation-bloom-176b-iso-power"])
    func capIsTheTargetsVerdict(scenarioName: String) throws {
        let shipped = try ShippedPlanning(scenarioName)
        let (scenario, request, planner, context) = (shipped.scenario, shipped.request, shipped.planner, shipped.context)
        let (classes, slo) = (context.classes, context.slo)
        var random = SplitMix64(seed: 47)
        var caps = 0, missedVerdicts = 0
        for (index, design) in scenario.designs.enumerated() {
            let input = try planner.prepare(request, context: context, design: design, designIndex: index, tbtHeadroom: 1, curves: false)
            for (option, profile) in input.profiles.enumerated() where input.promptUtilisation[option] != nil {
                let meanService = classes.indices.reduce(0.0) { $0 + classes[$1].share * profile.prefillSeconds[$1] }
                for servers in [1, 2, 5, 16, 64] {
                    let tpot = 0.02 + 0.06 * random.nextUnit()
                    let misses = { (rho: Double) -> Bool in
                        let wait = Queueing.WaitTail(utilisation: rho, meanServiceSeconds: meanService, servers: servers)
                        return slo.violationOverPrompts(slo.of(.ttft), classes: classes) { k, j, target in wait.exceeds(target - profile.prefillPointSeconds[k][j]) } > 0
                            || SLOTargets.violation(slo.of(.e2e), classes: classes) { k, target in
                                wait.exceeds(target - profile.prefillSeconds[k] - Double(max(classes[k].outputTokens - 1, 0)) * tpot)
                            } > 0
                    }
                    let allowances = WaitAllowances(profile: profile, classes: classes, slo: slo, ttft: slo.of(.ttft), e2e: slo.of(.e2e), timePerOutputToken: tpot)
                    for _ in 0..<40 {
                        let rho = random.nextUnit() * 0.99
                        let verdict = allowances.anyMissed(Queueing.WaitTail(utilisation: rho, meanServiceSeconds: meanService, servers: servers))
                        #expect(verdict == misses(rho), "\(profile.option.label), \(servers) servers, ρ \(rho)")
                        if verdict { missedVerdicts += 1 }
                    }
                    let expected = Queueing.largestUtilisation(missing: misses).map { min($0, ServiceProfile.defaultUtilisation) }
                    let cap = profile.promptUtilisation(classes: classes, slo: slo, timePerOutputToken: tpot, servers: servers)
                    #expect(cap == expected, "\(profile.option.label), \(servers) servers")
                    caps += 1
                }
            }
        }
        #expect(caps >= 20 && missedVerdicts > 100)
    }
}

extension PromptCapTests {
    /// The bounded verdict is the plain one (every class and point summed in order) on random targets, shares,
    /// prompt points and waits (some negative), and random M/M/n tails; and the bounds settle some targets.
    @Test func boundedVerdictIsThePlainOne() {
        var random = SplitMix64(seed: 59)
        var holds = 0, misses = 0
        for _ in 0..<4000 {
            let classes = 1 + random.nextIndex(12)
            let shares = (0..<classes).map { _ in random.nextUnit() + 0.01 }, total = shares.reduce(0, +)
            let points = (0..<classes).map { _ in 1 + random.nextIndex(5) }
            func target(pointsPerClass: [Int]) -> WaitAllowances.Target {
                let waits = pointsPerClass.map { count in (0..<count).map { _ in random.nextUnit() * 3 - 0.2 } }
                let shortest = waits.map { $0.min() ?? .infinity }
                return WaitAllowances.Target(passing: [0.5, 0.1, 0.01][random.nextIndex(3)], waits: waits.flatMap { $0 }, shortest: shortest,
                                             shortestOfAll: shortest.min() ?? .infinity)
            }
            let allowances = WaitAllowances(ttft: (0..<random.nextIndex(4)).map { _ in target(pointsPerClass: points) },
                                            e2e: (0..<random.nextIndex(4)).map { _ in target(pointsPerClass: points.map { _ in 1 }) },
                                            shares: shares.map { $0 / total }, points: points)
            let wait = Queueing.WaitTail(utilisation: random.nextUnit() * 0.99, meanServiceSeconds: 0.05 + random.nextUnit(), servers: 1 + random.nextIndex(40))
            var plain = false
            for target in allowances.ttft where !plain {
                var missed = 0.0, index = 0
                for k in 0..<classes where !plain {
                    var sum = 0.0
                    for _ in 0..<points[k] { sum += wait.exceeds(target.waits[index]); index += 1 }
                    missed += allowances.shares[k] * (sum / Double(points[k]))
                    plain = missed > target.passing
                }
            }
            for target in allowances.e2e where !plain {
                var missed = 0.0
                for k in 0..<classes where !plain {
                    missed += allowances.shares[k] * wait.exceeds(target.waits[k])
                    plain = missed > target.passing
                }
            }
            #expect(allowances.anyMissed(wait) == plain)
            if plain { misses += 1 } else { holds += 1 }
        }
        #expect(holds > 500 && misses > 500, "\(holds) hold, \(misses) miss")
    }
}
