import ClusterModel
import Foundation
import Optimization
import Simulation

/// Simulates a schedule period by period: each period's pools at that period's demand rate, one run of the
/// scenario's duration, or, for a curve binned from a trace, a replay of that period's window of the trace
/// (its own arrivals and sizes, time-compressed by the curve's rate scale); all periods side by side on
/// the cores. Periods that miss an SLO are re-planned for a higher rate (×1.1 each round, the whole
/// program re-solved so the fleet stays shared) until every period meets its SLOs or the rounds run out.
///
/// Not simulated: the boundary itself. A period starts empty, so a role change's draining is not played
/// out; the program charges it as lost capacity (`schedule.drainSeconds`).
public struct ScheduleVerifier: Sendable {
    public struct Outcome: Sendable, Codable, Equatable {
        public var schedule: Schedule
        /// Rounds of simulation (1: the first schedule met every SLO).
        public var rounds: Int
        public var verified: Bool
        /// Seconds of arrivals simulated per period, and the seed.
        public var simulatedSecondsPerPeriod: Double
        public var seed: UInt64
        public var wallSeconds: Double
    }

    public static let tighteningFactor = 1.1
    public static let maximumRounds = 5

    public var planner: ProvisioningPlanner
    public var simulation: ScenarioSimulation

    public init(planner: ProvisioningPlanner, simulation: ScenarioSimulation) {
        self.planner = planner
        self.simulation = simulation
    }

    /// `request.plan.design` names the design to verify.
    public func verify(_ request: ScheduleRequest) throws -> Outcome {
        let start = DispatchTime.now().uptimeNanoseconds
        var current = request
        var planned = request.planned
        var last: Schedule?
        var rounds = 0
        for round in 1...Self.maximumRounds {
            current.plannedRatesPerSecond = planned
            guard var schedule = try planner.schedule(current).first else { throw OptimizationError.invalidModel("no design to schedule") }
            guard schedule.feasible else {
                if last == nil { last = schedule }
                last?.note = round == 1 ? schedule.note
                    : "re-planned for the rates of the periods that missed, no schedule fits the caps: the last one simulated is shown"
                break
            }
            let checks = try simulate(schedule, workloads: request.periodWorkloads)
            for (index, check) in checks.enumerated() {
                schedule.periods[index].sloMet = check.met
                schedule.periods[index].missedSLOs = check.missed
                if !check.met { planned[index] *= Self.tighteningFactor }
            }
            last = schedule
            rounds = round
            if checks.allSatisfy(\.met) { break }
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard let schedule = last else { throw OptimizationError.invalidModel("no design to schedule") }
        let verified = schedule.feasible && schedule.periods.allSatisfy { $0.sloMet == true }
        return Outcome(schedule: schedule, rounds: rounds, verified: verified, simulatedSecondsPerPeriod: duration(request),
                       seed: simulation.seed, wallSeconds: wall)
    }

    private func duration(_ request: ScheduleRequest) -> Double {
        if case .trace(let window)? = request.periodWorkloads?.first { return (window.durationSeconds ?? 0) / window.rateScale }
        return simulation.durationSeconds ?? simulation.scenario.workload.arrivalSeconds ?? 0
    }

    /// Each period simulated at its demand rate, or its window replayed; periods with identical pools and
    /// rate (and no window of their own) share one run.
    private func simulate(_ schedule: Schedule, workloads: [Workload]?) throws -> [(met: Bool, missed: [String])] {
        struct Run: Hashable, Sendable { var pools: [PoolCount]; var rate: Double; var window: Int? }
        let windows = workloads?.count == schedule.periods.count ? workloads : nil
        let runs = schedule.periods.map { Run(pools: $0.pools, rate: $0.ratePerSecond, window: windows == nil ? nil : $0.index) }
        let distinct = Array(Set(runs)).sorted { ($0.window ?? -1, $0.rate, $0.pools.description) < ($1.window ?? -1, $1.rate, $1.pools.description) }
        let base = simulation
        let results = try distinct.concurrentMap { run -> (met: Bool, missed: [String]) in
            var period = base
            if let window = run.window, let workload = windows?[window] {
                period.scenario.workload = workload
                period.durationSeconds = nil
            } else {
                period.ratePerSecond = run.rate
            }
            let result = try period.run(pools: run.pools)
            return (result.sloMet, result.slo.filter { !$0.met }.map { "\($0.metric) \($0.percentile)" })
        }
        let byRun = Dictionary(uniqueKeysWithValues: zip(distinct, results))
        return runs.map { byRun[$0] ?? (false, ["not simulated"]) }
    }
}
