import ClusterModel
@testable import Optimization
import Testing

@Suite struct SeriesTests {
    /// A series of questions (cost caps, then rates) shares profiles and contexts between its steps; each
    /// answer must be the one the planner gives that question alone.
    @Test func aSeriesAnswersEachStepAsAlone() throws {
        let planner = try planner()
        var requests: [PlanRequest] = []
        for cap in [400.0, 900, 900, 1500] {
            requests.append(try request("Scenarios/splitwise-coding-llama2-70b-iso-power.json", objective: .maxThroughput,
                                        budget: Budget(costPerHourUSD: cap, powerKW: nil)))
        }
        for rate in [20.0, 60] {
            requests.append(try request("Scenarios/splitwise-coding-llama2-70b-iso-power.json", rate: rate))
        }
        let series = try planner.plan(series: requests)
        #expect(series.count == requests.count)
        for (request, answers) in zip(requests, series) {
            let alone = try planner.plan(request)
            #expect(answers.map(\.design) == alone.map(\.design))
            for (answer, expected) in zip(answers, alone) {
                #expect(answer.pools == expected.pools && answer.feasible == expected.feasible)
                #expect(answer.costPerHourUSD == expected.costPerHourUSD && answer.requestsPerSecond == expected.requestsPerSecond)
                #expect(answer.latencies == expected.latencies)
            }
        }
        // Larger budgets never serve less.
        let rates = series.prefix(4).map { $0.first?.requestsPerSecond ?? 0 }
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 <= $1 + 1e-9 } && rates[0] > 0)
    }

    /// A request's designs are planned side by side, each with profiles of its own: every design's plan is
    /// the one it gets planned alone, in the request's order of designs, whatever finished first.
    @Test func designsPlannedTogetherAnswerAsAlone() throws {
        let planner = try planner()
        let together = try request("Scenarios/splitwise-conversation-llama2-70b-iso-cost.json")
        #expect(together.scenario.designs.count == 6)
        let plans = try planner.plan(together)
        #expect(Set(plans.map(\.design)) == Set(together.scenario.designs.map(\.rawValue)))
        for design in together.scenario.designs {
            let alone = try #require(try planner.plan(request("Scenarios/splitwise-conversation-llama2-70b-iso-cost.json", design: design)).first)
            let found = try #require(plans.first { $0.design == design.rawValue })
            #expect(found.pools == alone.pools && found.requestsPerSecond == alone.requestsPerSecond)
            #expect(found.costPerHourUSD == alone.costPerHourUSD && found.latencies == alone.latencies)
        }
        // Best first: max-throughput at iso-cost.
        #expect(zip(plans, plans.dropFirst()).allSatisfy { !$1.feasible || $0.requestsPerSecond >= $1.requestsPerSecond })
    }
}
