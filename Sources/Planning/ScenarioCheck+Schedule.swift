import ClusterModel
import Foundation
import Optimization

extension ScenarioCheck {
    /// `expect.schedule`: the best design's schedule over the demand curve, verified by simulation when
    /// `sloMetInEveryPeriod` is asked.
    func scheduleExpectations(_ scenario: Scenario, catalog: Catalog, traces: [URL: Trace]) throws -> [Expectation] {
        guard let expect = scenario.expect?.schedule, let demand = scenario.demand else { return [] }
        let planner = makePlanner(catalog)
        let rates = try demand.ratesPerSecond(traces: traces, file: scenario.file.path)
        var request = ScheduleRequest(plan: PlanRequest(scenario: scenario, traces: traces), ratesPerSecond: rates,
                                      periodSeconds: demand.periodSeconds, settings: scenario.schedule)
        request.periodWorkloads = demand.periodWorkloads(count: rates.count)
        guard var schedule = try planner.schedulesConcurrently(request).first else { return [] }
        var verified: Bool?
        if expect.sloMetInEveryPeriod != nil, schedule.feasible {
            request.plan.design = Design(rawValue: schedule.design)
            var simulation = ScenarioSimulation(scenario: scenario, catalog: catalog, traces: traces, seed: seed)
            simulation.deadline = deadline
            let outcome = try ScheduleVerifier(planner: planner, simulation: simulation).verify(request)
            schedule = outcome.schedule
            verified = outcome.verified
        }
        func money(_ value: Double) -> String { String(format: "%.2f", value) }
        var results: [Expectation] = []
        if let limit = expect.maxCostUSD {
            results.append(Expectation(name: "schedule.maxCostUSD", expected: "<= \(money(limit)) USD", actual: "\(money(schedule.costUSD)) USD (\(schedule.design))",
                                       passed: schedule.feasible && schedule.costUSD <= limit))
        }
        if let limit = expect.maxEnergyKWh {
            results.append(Expectation(name: "schedule.maxEnergyKWh", expected: "<= \(money(limit)) kWh", actual: "\(money(schedule.energyKWh)) kWh",
                                       passed: schedule.feasible && schedule.energyKWh <= limit))
        }
        if let floor = expect.minCostSavingPercent {
            let saving = schedule.costSavingPercent
            results.append(Expectation(name: "schedule.minCostSavingPercent", expected: ">= \(money(floor)) %",
                                       actual: saving.map { "\(money($0)) % of the static plan's cost" } ?? "no static plan to compare",
                                       passed: schedule.feasible && (saving ?? -.infinity) >= floor))
        }
        if let wanted = expect.sloMetInEveryPeriod {
            let missed = schedule.periods.filter { $0.sloMet == false }.map { String($0.index) }
            let actual = verified == nil ? "no schedule to simulate"
                : missed.isEmpty ? "every period met every SLO" : "periods \(missed.joined(separator: ", ")) missed an SLO"
            results.append(Expectation(name: "schedule.sloMetInEveryPeriod", expected: "\(wanted)", actual: actual, passed: (verified ?? false) == wanted))
        }
        return results
    }
}
