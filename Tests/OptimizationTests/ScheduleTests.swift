import ClusterModel
import Foundation
import GLPKBackend
@testable import Optimization
import Testing

@Suite struct ScheduleTests {
    /// Splitwise-HH's prompt and token options with work made simple: 0.1 machine-seconds of prompt work and
    /// 0.05 of token work per request, caps of 1, no memory or network limit; the classes' rates sum to 1.
    func simpleInput() throws -> ProvisioningInput {
        let planner = try planner()
        let planRequest = try request("Scenarios/quickstart.json", design: .splitwiseHH)
        let context = try planner.context(planRequest)
        var input = try planner.prepare(planRequest, context: context, design: .splitwiseHH, designIndex: 0, tbtHeadroom: 1)
        let total = input.classes.reduce(0) { $0 + $1.ratePerSecond }
        for k in input.classes.indices { input.classes[k].ratePerSecond /= total }
        for index in input.profiles.indices {
            let classes = input.classes.count
            input.profiles[index].promptWork = Array(repeating: 0.1, count: classes)
            input.profiles[index].tokenWork = Array(repeating: 0.05, count: classes)
            input.profiles[index].kvTokenSeconds = Array(repeating: 0, count: classes)
            input.profiles[index].networkBytesPerSecond = 1e15
            if input.promptUtilisation[index] != nil { input.promptUtilisation[index] = 1 }
        }
        return input
    }

    func solve(_ input: ProvisioningInput, settings: ScheduleSettings) throws -> (ScheduleFormulation, SolveResult) {
        // Period 0 at 30 req/s, period 1 at 10 req/s, an hour each.
        let formulation = ScheduleFormulation(periods: [.init(input: input, scale: 30), .init(input: input, scale: 10)], periodSeconds: 3600,
                                              settings: settings, budget: Budget(), availability: [:], goal: .minCost)
        let result = try GLPKSolver().solve(formulation.model, options: SolveOptions())
        #expect(result.status == .optimal)
        // The program lives once, in `model`: blocks holding copies of it would grow memory with periods².
        #expect(formulation.blocks.allSatisfy { $0.model.variables.isEmpty })
        return (formulation, result)
    }

    func assigned(_ formulation: ScheduleFormulation, _ result: SolveResult, period: Int, role: Role) -> Int {
        Int(formulation.assignments[period].filter { $0.role == role }.reduce(0) { $0 + result.value($1.assigned) }.rounded())
    }

    /// By hand. At 30 req/s the pools need 3 prompt and 1.5 token machines of serving time, at 10 req/s 1 and
    /// 0.5 (so 1 token machine). Arriving machines drain for 360 s, a tenth of the hour. Busy-hour prompt
    /// machines p: with p' kept in the quiet hour, p ≥ 3 + 0.1 max(0, p − p'), so p = 3 needs p' = 3, else
    /// p = 4; token machines: 2 ≥ 1.5 + 0.1 (2 − 1), so 2 after 1. Reserving costs 2 hours of price P,
    /// renting on demand 1.5 P an hour. (a) busy 3 + 2, quiet 3 + 1: reserve 4, rent 1: 8P + 1.5P = 9.5P;
    /// (b) busy 4 + 2, quiet 1 + 1: reserve 2, rent 4: 4P + 6P = 10P, or reserve 6: 12P. Optimum (a), 9.5P.
    /// At 3x: (a) reserve 4, rent 1: 11P, or reserve 5: 10P; (b) 12P or 16P. Optimum: 5 reserved, 10P.
    @Test func twoPeriodOptimumByHand() throws {
        let input = try simpleInput()
        let price = try #require(input.profiles.first?.option.pricePerHourUSD)
        var settings = ScheduleSettings()
        settings.drainSeconds = 360
        settings.onDemandPriceFactor = 1.5
        let (formulation, result) = try solve(input, settings: settings)
        #expect(assigned(formulation, result, period: 0, role: .prompt) == 3 && assigned(formulation, result, period: 0, role: .token) == 2)
        #expect(assigned(formulation, result, period: 1, role: .prompt) == 3 && assigned(formulation, result, period: 1, role: .token) == 1)
        let fleet = try #require(formulation.fleet.first)
        #expect(result.value(fleet.reserved).rounded() == 4 && result.value(fleet.onDemand?[0] ?? fleet.reserved).rounded() == 1)
        #expect(abs((result.objectiveValue ?? 0) - 9.5 * price) < 1e-3)

        settings.onDemandPriceFactor = 3
        let (dear, dearResult) = try solve(input, settings: settings)
        #expect(dear.fleet.first.map { dearResult.value($0.reserved).rounded() } == 5)
        #expect(abs((dearResult.objectiveValue ?? 0) - 10 * price) < 1e-3)

        // Without drain (0 s) case (b) becomes busy 3 + 2, quiet 1 + 1: reserve 2, rent 3: 4P + 4.5P = 8.5P.
        settings.onDemandPriceFactor = 1.5
        settings.drainSeconds = 0
        let (free, freeResult) = try solve(input, settings: settings)
        #expect(assigned(free, freeResult, period: 1, role: .prompt) == 1)
        #expect(abs((freeResult.objectiveValue ?? 0) - 8.5 * price) < 1e-3)

        // No role may change: the pools hold 3 prompt and 2 token machines in both hours (nothing drains);
        // 5 reserved cost 10P, cheaper than renting any of them (2R + 3 (5 − R) falls with R).
        settings.drainSeconds = 360
        settings.maxRoleChangesPerPeriod = 0
        let (fixed, fixedResult) = try solve(input, settings: settings)
        for period in 0..<2 {
            #expect(assigned(fixed, fixedResult, period: period, role: .prompt) == 3 && assigned(fixed, fixedResult, period: period, role: .token) == 2)
        }
        #expect(abs((fixedResult.objectiveValue ?? 0) - 10 * price) < 1e-3)
    }

    /// A schedule is never dearer than the static plan for its peak, on random demand curves; on a flat
    /// curve there is nothing to follow, so it costs exactly the static plan.
    @Test(arguments: [UInt64(1), 2, 3])
    func neverAboveTheStaticPlan(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let periods = 3 + Int(random.next() % 4)
        let rates = (0..<periods).map { _ in 5 + Double(random.next() % 5500) / 100 }
        var settings = ScheduleSettings()
        settings.onDemandPriceFactor = seed == 2 ? nil : 1 + Double(random.next() % 200) / 100
        let design: Design = seed == 3 ? .baselineH100 : .splitwiseHH
        let scheduleRequest = ScheduleRequest(plan: try request("Scenarios/quickstart.json", design: design), ratesPerSecond: rates,
                                              periodSeconds: 3600, settings: settings)
        let schedule = try #require(try planner().schedule(scheduleRequest).first)
        let fixed = try #require(schedule.staticPlan)
        #expect(schedule.feasible && schedule.costUSD <= fixed.costUSD * (1 + 1e-9), "rates \(rates): \(schedule.costUSD) > \(fixed.costUSD)")
        #expect(schedule.periods.count == periods && abs(fixed.peakRatePerSecond - (rates.max() ?? 0)) < 1e-9)
    }

    @Test func aFlatCurveCostsTheStaticPlan() throws {
        let scheduleRequest = ScheduleRequest(plan: try request("Scenarios/quickstart.json", design: .splitwiseHH), ratesPerSecond: [20, 20, 20],
                                              periodSeconds: 3600, settings: ScheduleSettings())
        let schedule = try #require(try planner().schedule(scheduleRequest).first)
        let plan = try #require(try planner().plan(try request("Scenarios/quickstart.json", design: .splitwiseHH, rate: 20)).first)
        #expect(abs(schedule.costUSD - 3 * plan.costPerHourUSD) < 1e-6)
        #expect(schedule.periods.allSatisfy { $0.roleChanges == 0 })
    }
}
