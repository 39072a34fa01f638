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
        let scenario = try Scenario.load(Repository.url("Scenarios/\(scenarioName).json"))
        let request = PlanRequest(scenario: scenario, traces: try scenario.loadTraces(), objective: .maxThroughput)
        let planner = ProvisioningPlanner(catalog: try Catalog.load(directory: Repository.url("Catalog")), solver: GLPKSolver())
        let context = try planner.context(request)
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
                        return slo.anyMissedOverPrompts(slo.of(.ttft), classes: classes) { k, j, target in wait.exceeds(target - profile.prefillPointSeconds[k][j]) }
                            || SLOTargets.anyMissed(slo.of(.e2e), classes: classes) { k, target in
                                wait.exceeds(target - profile.prefillSeconds[k] - Double(max(classes[k].outputTokens - 1, 0)) * tpot)
                            }
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
