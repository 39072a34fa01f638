import ClusterModel

/// What to schedule: a plan request (scenario, design, objective, budget) and the demand over periods.
public struct ScheduleRequest: Sendable {
    public var plan: PlanRequest
    public var ratesPerSecond: [Double]
    public var periodSeconds: Double
    public var settings: ScheduleSettings
    /// Per period, the rate to plan for (nil: the demand's); verification raises those of periods that miss.
    public var plannedRatesPerSecond: [Double]?
    /// Per period, the workload whose request sizes it plans for (a curve binned from a trace: that
    /// period's window of it); nil: the scenario's workload in every period.
    public var periodWorkloads: [Workload]?

    public init(plan: PlanRequest, ratesPerSecond: [Double], periodSeconds: Double, settings: ScheduleSettings,
                plannedRatesPerSecond: [Double]? = nil) {
        self.plan = plan
        self.ratesPerSecond = ratesPerSecond
        self.periodSeconds = periodSeconds
        self.settings = settings
        self.plannedRatesPerSecond = plannedRatesPerSecond
    }

    public var planned: [Double] { plannedRatesPerSecond ?? ratesPerSecond }
}

extension ProvisioningPlanner {
    /// One schedule per design, best first (feasible first, then by the day's cost or energy).
    public func schedule(_ request: ScheduleRequest) throws -> [Schedule] {
        let scenario = request.plan.scenario
        let objective = request.plan.objective ?? scenario.objective
        guard objective != .maxThroughput else {
            throw ClusterModelError.invalidValue(path: scenario.file.path, jsonPath: "objective", value: "\"max-throughput\"",
                                                 allowed: "min-cost or min-power for a schedule (it serves a given demand): set --objective")
        }
        let designs = request.plan.design.map { [$0] } ?? scenario.designs
        var contexts = [try self.context(request.plan)]
        if let workloads = request.periodWorkloads, workloads.count == request.ratesPerSecond.count {
            contexts = try workloads.map { workload in
                var period = request.plan
                period.scenario.workload = workload
                return try self.context(period)
            }
        }
        let schedules = try designs.enumerated().map { index, design in
            try schedule(request, contexts: contexts, design: design, designIndex: index, objective: objective)
        }
        return Self.ranked(schedules, objective: objective)
    }

    /// Feasible first, then by the horizon's cost (min-cost) or energy (min-power); ties keep their order.
    public static func ranked(_ schedules: [Schedule], objective: Objective) -> [Schedule] {
        schedules.enumerated().sorted { lhs, rhs in
            if lhs.element.feasible != rhs.element.feasible { return lhs.element.feasible }
            let (a, b) = (lhs.element.figure(objective), rhs.element.figure(objective))
            return a != b ? a < b : lhs.offset < rhs.offset
        }.map(\.element)
    }

    func schedule(_ request: ScheduleRequest, contexts: [PlanningContext], design: Design, designIndex: Int, objective: Objective) throws -> Schedule {
        let planned = request.planned
        let peak = planned.max() ?? 0
        var peakRequest = request.plan
        peakRequest.design = design
        peakRequest.ratePerSecond = peak
        let staticPlan = try plan(peakRequest).first
        let adaptive = try adaptiveSchedule(request, contexts: contexts, design: design, designIndex: designIndex, objective: objective)
        let horizonHours = request.periodSeconds * Double(planned.count) / 3600
        var fixed: Schedule.StaticPlan?
        if let staticPlan, staticPlan.feasible {
            fixed = Schedule.StaticPlan(pools: staticPlan.poolCounts, peakRatePerSecond: peak, costPerHourUSD: staticPlan.costPerHourUSD, powerKW: staticPlan.powerKW,
                                        costUSD: staticPlan.costPerHourUSD * horizonHours, energyKWh: staticPlan.powerKW * horizonHours)
        }
        var chosen = adaptive.schedule
        chosen.staticPlan = fixed
        chosen.total()
        // The static plan is itself a schedule: when the program found none better (or none within its own
        // pool-size fixed point), it is the answer, so a schedule never costs more than the static plan.
        if let fixed, !chosen.feasible || chosen.figure(objective) > fixed.figure(objective) * (1 + 1e-9) {
            chosen = staticSchedule(fixed, request: request, design: design, objective: objective, solver: chosen.solver)
            chosen.total()
        }
        return chosen
    }

    /// The static plan as a schedule: the same pools in every period, the whole fleet reserved.
    private func staticSchedule(_ fixed: Schedule.StaticPlan, request: ScheduleRequest, design: Design, objective: Objective,
                                solver: Schedule.Solver) -> Schedule {
        var reserved: [String: Int] = [:]
        for pool in fixed.pools { reserved[pool.machine.rawValue, default: 0] += pool.count }
        let periods = request.planned.indices.map { p in
            Schedule.Period(index: p, startSeconds: Double(p) * request.periodSeconds, ratePerSecond: request.ratesPerSecond[p],
                            plannedRatePerSecond: request.planned[p], pools: fixed.pools, onDemand: [], roleChanges: 0,
                            costPerHourUSD: fixed.costPerHourUSD, powerKW: fixed.powerKW)
        }
        return Schedule(feasible: true, design: design.rawValue, objective: objective.rawValue,
                        model: (request.plan.model ?? request.plan.scenario.model).rawValue, periodSeconds: request.periodSeconds,
                        horizonHours: request.periodSeconds * Double(periods.count) / 3600,
                        reserved: reserved.sorted { $0.key < $1.key }.map { Schedule.MachineCount(machine: $0.key, count: $0.value) },
                        periods: periods, costUSD: 0, energyKWh: 0, staticPlan: fixed, costSavingPercent: nil, energySavingPercent: nil,
                        followsStaticPlan: true, note: "no schedule that changes pools beats the static plan for the peak", solver: solver)
    }
}
