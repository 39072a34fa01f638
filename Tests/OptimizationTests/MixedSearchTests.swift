import ClusterModel
import Foundation
import GLPKBackend
@testable import Optimization
import Testing

@Suite struct MixedSearchTests {
    /// An expected answer only saves states: a mixed pool's load search given one finds the same answer, to
    /// the bit, as the search without it, whether the guess is right, a little off, far off or below what
    /// is known to hold. The Splitwise coding and conversation baselines (DGX-A100 and DGX-H100 serving
    /// Llama2-70B and BLOOM-176B), pools of 2 to 90 machines, each search started from the answer of a
    /// smaller pool as the capacity curves start it.
    @Test(arguments: ["splitwise-coding-bloom-176b-iso-power", "splitwise-conversation-llama2-70b-iso-cost"])
    func expectedAnswerIsOnlyAHint(scenarioName: String) throws {
        let shipped = try ShippedPlanning(scenarioName)
        let (scenario, request, planner, context) = (shipped.scenario, shipped.request, shipped.planner, shipped.context)
        let (classes, slo) = (context.classes, context.slo)
        var random = SplitMix64(seed: 71)
        var searches = 0
        for (index, design) in scenario.designs.enumerated() where design.rawValue.hasPrefix("baseline") {
            let input = try planner.prepare(request, context: context, design: design, designIndex: index, tbtHeadroom: 1, curves: false)
            for profile in input.profiles where profile.tokenCapable {
                for _ in 0..<6 {
                    let servers = 2 + Int(random.nextUnit() * 88)
                    let smaller = try #require(MixedProfile(profile, classes: classes, slo: slo, servers: max(1, servers * 9 / 10)))
                    let known = smaller.occupancyPerInstance
                    let plain = try #require(MixedProfile(profile, classes: classes, slo: slo, servers: servers, holdsPerInstance: known))
                    let answer = plain.occupancyPerInstance
                    // Right on, within the window, just outside it either way, far off, and below the known load.
                    let guesses = [answer, answer * (1 + 1e-4), answer * (1 - 3e-4), answer * (1 + 5e-4), answer * 1.3, known * 0.9,
                                   known + (answer - known) * random.nextUnit()]
                    for guess in guesses {
                        for within in [2e-4, 1e-3, 0.05] {
                            let hinted = try #require(MixedProfile(profile, classes: classes, slo: slo, servers: servers, holdsPerInstance: known,
                                                                   expected: (guess, within)))
                            #expect(hinted.occupancyPerInstance == answer, "\(servers) machines, guess \(guess / answer) of the answer")
                            #expect(hinted.holdingSeconds == plain.holdingSeconds && hinted.batch == plain.batch)
                        }
                    }
                    searches += 1
                }
            }
        }
        #expect(searches >= 12)
    }

    /// The extrapolation is the power law through the two largest pools' answers: exact on answers that
    /// follow one, and nothing without two smaller pools.
    @Test func extrapolationIsThePowerLawThroughTheLastTwo() {
        let law = { (n: Int) in 0.8 * pow(Double(n), 0.07) }
        let answers = [1, 5, 9, 12].map { (machines: $0, perInstance: $0 == 1 ? 3.0 : law($0)) }
        let extended = CurveJob.extrapolated(answers, to: 40)
        #expect(extended.map { abs($0 / law(40) - 1) < 1e-12 } == true)
        #expect(CurveJob.extrapolated(Array(answers.prefix(1)), to: 40) == nil)
        #expect(CurveJob.extrapolated(answers, to: 12) == nil)
    }
}
