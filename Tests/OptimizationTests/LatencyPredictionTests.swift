import ClusterModel
import Foundation
import GLPKBackend
@testable import Optimization
import Testing

@Suite struct LatencyPredictionTests {
    /// A request for the best plan's latencies alone gets the same plans, in the same order, with the
    /// best plan's latencies exactly those every plan's prediction gives it and none for the others; a
    /// request for none gets none. Six designs of a Splitwise scenario, solver times left out (they vary).
    @Test func bestPlanAloneGetsItsLatencies() throws {
        let shipped = try ShippedPlanning("splitwise-conversation-llama2-70b-iso-power")
        func plans(_ prediction: LatencyPrediction) throws -> [ProvisioningPlan] {
            var request = shipped.request
            request.predictedLatencies = prediction
            return try shipped.planner.plan(request).map { plan in
                var timeless = plan
                timeless.solver.seconds = 0
                return timeless
            }
        }
        let every = try plans(.everyPlan), best = try plans(.bestPlan), none = try plans(.none)
        #expect(every.count == 6)
        #expect(every.allSatisfy { $0.feasible && $0.latencies.count == 9 })
        let withoutLatencies = every.map { $0.withLatencies([]) }
        #expect(best.map { $0.withLatencies([]) } == withoutLatencies)
        #expect(none == withoutLatencies)
        #expect(best.first?.latencies == every.first?.latencies)
        #expect(best.dropFirst().allSatisfy { $0.latencies.isEmpty })
    }
}
