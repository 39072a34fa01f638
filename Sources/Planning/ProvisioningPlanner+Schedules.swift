import ClusterModel
import Optimization

extension ProvisioningPlanner {
    /// Every design's schedule, each on its own core (each builds its own profiles), ranked as
    /// `schedule(_:)` ranks them: the same answer, in the same order, sooner.
    public func schedulesConcurrently(_ request: ScheduleRequest) throws -> [Schedule] {
        let designs = request.plan.design.map { [$0] } ?? request.plan.scenario.designs
        guard designs.count > 1 else { return try schedule(request) }
        let schedules = try designs.concurrentMap { design -> Schedule? in
            var one = request
            one.plan.design = design
            return try schedule(one).first
        }
        return Self.ranked(schedules.compactMap { $0 }, objective: request.plan.objective ?? request.plan.scenario.objective)
    }
}
