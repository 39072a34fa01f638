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
}
