import ClusterModel

extension ProvisioningPlanner {
    /// The schedule program over all periods. The queueing caps of each period depend on its pool sizes,
    /// which the program chooses: as in planning, start from single machines (the safe side), re-solve with
    /// the sizes found, and accept only a schedule each of whose periods holds at its own sizes; best over
    /// the TBT headroom levels.
    /// `contexts`: one per period (each period's own request sizes), or one shared by all. A design that
    /// chooses between a mixed pool and split pools (auto) is scheduled each way for the whole horizon and
    /// the better kept: one binary per period over a fleet-sized big-M leaves GLPK a relaxation too weak
    /// to close (ten minutes without an answer on the example day).
    func adaptiveSchedule(_ request: ScheduleRequest, contexts: [PlanningContext], design: Design, designIndex: Int,
                          objective: Objective) throws -> (schedule: Schedule, formulation: ScheduleFormulation?) {
        let candidates = try request.plan.scenario.candidateMachines(in: catalog).map(\.id)
        let restriction = DesignRestriction(design, candidates: candidates)
        guard restriction.choosesPoolKind else {
            return try adaptiveSchedule(request, contexts: contexts, design: design, designIndex: designIndex, objective: objective, restriction: nil)
        }
        let kinds = [restriction.keeping([.mixed]), restriction.keeping([.prompt, .token])]
        let schedules = try kinds.map {
            try adaptiveSchedule(request, contexts: contexts, design: design, designIndex: designIndex, objective: objective, restriction: $0)
        }
        var best = schedules[0]
        if schedules[1].schedule.feasible, !best.schedule.feasible || schedules[1].schedule.figure(objective) < best.schedule.figure(objective) - 1e-9 {
            best = schedules[1]
        }
        best.schedule.solver.seconds = schedules.reduce(0) { $0 + $1.schedule.solver.seconds }
        best.schedule.solver.solves = schedules.reduce(0) { $0 + $1.schedule.solver.solves }
        // The other kind stopped at the time limit: the answer is the best found, not a proven optimum.
        if best.schedule.feasible, schedules.contains(where: { [.timeLimit, .feasible].contains($0.schedule.solver.status) }) {
            best.schedule.solver.status = .feasible
        }
        return best
    }

    private func adaptiveSchedule(_ request: ScheduleRequest, contexts: [PlanningContext], design: Design, designIndex: Int,
                                  objective: Objective, restriction: DesignRestriction?) throws -> (schedule: Schedule, formulation: ScheduleFormulation?) {
        let planned = request.planned
        let contextOf = { (p: Int) in contexts.count == planned.count ? p : 0 }
        let base = planned.indices.map { p in contexts[contextOf(p)].classes.reduce(0) { $0 + $1.ratePerSecond } }
        let goal: ScheduleFormulation.Goal = objective == .minCost ? .minCost : .minEnergy
        let budget = request.plan.budget ?? request.plan.scenario.budget
        var best: (schedule: Schedule, formulation: ScheduleFormulation)?
        var seconds = 0.0, solves = 0
        var last = Schedule.Solver(backend: solver.name, status: .infeasible, seconds: 0, gap: nil, variables: 0, constraints: 0, solves: 0)
        for headroom in Self.tbtHeadroomLevels {
            var servers = [[String: Int]](repeating: [:], count: planned.count)
            var first: (Schedule, ScheduleFormulation)?, accepted: (Schedule, ScheduleFormulation)?
            // Inputs by pool sizes: a round's check of its sizes is the next round's program.
            var built: [Int: [[String: Int]: ProvisioningInput]] = [:]
            func input(_ p: Int, _ sizes: [String: Int]) throws -> ProvisioningInput {
                let c = contextOf(p)
                if let known = built[c]?[sizes] { return known }
                let made = try prepare(request.plan, context: contexts[c], design: design, designIndex: designIndex, tbtHeadroom: headroom,
                                       poolServers: sizes, restriction: restriction)
                built[c, default: [:]][sizes] = made
                return made
            }
            for _ in 0..<Self.poolSizeRounds {
                let inputs = try servers.indices.map { try input($0, servers[$0]) }
                let periods = planned.indices.map { ScheduleFormulation.Period(input: inputs[$0], scale: planned[$0] / base[$0]) }
                let formulation = ScheduleFormulation(periods: periods, periodSeconds: request.periodSeconds, settings: request.settings,
                                                      budget: budget, availability: request.plan.scenario.availability, goal: goal)
                let result = try solver.solve(formulation.model, options: options)
                seconds += result.seconds
                solves += 1
                last = Schedule.Solver(backend: solver.name, status: result.status, seconds: seconds, gap: result.relativeGap,
                                       variables: formulation.model.variables.count, constraints: formulation.model.constraints.count, solves: solves)
                guard result.status.hasSolution else { break }
                let schedule = read(result, formulation: formulation, inputs: inputs, request: request, design: design, objective: objective, solver: last)
                first = first ?? (schedule, formulation)
                // Each period's serving machine time must sustain its rate with the caps of its own pool sizes.
                var own: [[String: Int]] = []
                var holds = true
                for p in inputs.indices {
                    let sizes = Self.instances(formulation.assignments[p], result: result)
                    own.append(sizes)
                    let check = try input(p, sizes)
                    var serving: [String: Double] = [:]
                    for assignment in formulation.assignments[p] { serving[assignment.key, default: 0] += result.value(assignment.serving) }
                    let sustained = try ProvisioningSolve.sustainedScale(input: check, counts: serving, solver: solver, options: options) * base[p]
                    solves += 1
                    if sustained < planned[p] * (1 - 1e-6) { holds = false }
                }
                if holds { accepted = (schedule, formulation) }
                if own == servers { break }
                servers = own
            }
            if let candidate = accepted ?? first, best.map({ candidate.0.figure(objective) < $0.schedule.figure(objective) - 1e-9 }) ?? true {
                best = candidate
            }
            if !built.values.flatMap(\.values).contains(where: \.dependsOnTBTHeadroom) { break }
        }
        last.seconds = seconds
        last.solves = solves
        guard var chosen = best else {
            let empty = Schedule(feasible: false, design: design.rawValue, objective: objective.rawValue,
                                 model: (request.plan.model ?? request.plan.scenario.model).rawValue, periodSeconds: request.periodSeconds,
                                 horizonHours: request.periodSeconds * Double(planned.count) / 3600, reserved: [], periods: [],
                                 costUSD: 0, energyKWh: 0, staticPlan: nil, costSavingPercent: nil, energySavingPercent: nil,
                                 followsStaticPlan: false,
                                 note: last.status == .timeLimit ? "stopped at the time limit before any schedule was found; raise --time-limit"
                                     : "no schedule of this design meets the SLOs in every period within the caps",
                                 solver: last)
            return (empty, nil)
        }
        chosen.schedule.solver = last
        return (chosen.schedule, chosen.formulation)
    }

    /// Instances per pool key of one period's solution (the pool sizes its queueing caps are taken at).
    static func instances(_ assignments: [ScheduleFormulation.Assignment], result: SolveResult) -> [String: Int] {
        var sizes: [String: Int] = [:]
        for assignment in assignments {
            let machines = Int(result.value(assignment.assigned).rounded())
            if machines > 0 { sizes[assignment.key, default: 0] += machines * assignment.instancesPerMachine }
        }
        return sizes
    }

    private func read(_ result: SolveResult, formulation: ScheduleFormulation, inputs: [ProvisioningInput], request: ScheduleRequest,
                      design: Design, objective: Objective, solver: Schedule.Solver) -> Schedule {
        let factor = request.settings.onDemandPriceFactor ?? 0
        let reserved = formulation.fleet.map { Schedule.MachineCount(machine: $0.machine.rawValue, count: Int(result.value($0.reserved).rounded())) }
        let reservedPerHour = formulation.fleet.reduce(0) { $0 + $1.pricePerHourUSD * result.value($1.reserved).rounded() }
        var periods: [Schedule.Period] = []
        for (p, row) in formulation.assignments.enumerated() {
            var pools: [PoolCount] = []
            var power = 0.0, changes = 0
            for assignment in row {
                let count = Int(result.value(assignment.assigned).rounded())
                changes += Int(result.value(assignment.arrivals).rounded())
                guard count > 0 else { continue }
                pools.append(PoolCount(role: assignment.role, machine: assignment.machine, powerCap: assignment.powerCap, count: count))
                power += Double(count) * assignment.provisionedKW
            }
            var onDemand: [Schedule.MachineCount] = [], onDemandPerHour = 0.0
            for entry in formulation.fleet {
                guard let variables = entry.onDemand else { continue }
                let count = Int(result.value(variables[p]).rounded())
                guard count > 0 else { continue }
                onDemand.append(Schedule.MachineCount(machine: entry.machine.rawValue, count: count))
                onDemandPerHour += Double(count) * entry.pricePerHourUSD * factor
            }
            periods.append(Schedule.Period(
                index: p, startSeconds: Double(p) * request.periodSeconds, ratePerSecond: request.ratesPerSecond[p],
                plannedRatePerSecond: request.planned[p], pools: pools.sorted { ($0.role, $0.machine, $0.powerCap) < ($1.role, $1.machine, $1.powerCap) },
                onDemand: onDemand, roleChanges: changes, costPerHourUSD: reservedPerHour + onDemandPerHour, powerKW: power))
        }
        var schedule = Schedule(feasible: true, design: design.rawValue, objective: objective.rawValue,
                                model: (request.plan.model ?? request.plan.scenario.model).rawValue, periodSeconds: request.periodSeconds,
                                horizonHours: request.periodSeconds * Double(periods.count) / 3600, reserved: reserved, periods: periods,
                                costUSD: 0, energyKWh: 0, staticPlan: nil, costSavingPercent: nil, energySavingPercent: nil,
                                followsStaticPlan: false, note: "", solver: solver)
        schedule.total()
        return schedule
    }
}
