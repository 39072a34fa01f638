import ClusterModel
import Foundation
import Optimization
import Simulation

/// A cluster's capacity two ways: the planner's prediction (its queueing caps at these pool sizes) and the
/// highest rate at which the simulator shows every SLO met.
public struct CapacityReport: Sendable, Codable, Equatable {
    public var scenario: String
    public var model: String
    public var pools: [PoolCount]
    public var predictedRequestsPerSecond: Double
    public var simulated: CapacitySearch.Outcome
    /// predicted / simulated − 1, in percent (nil when the simulated capacity is zero).
    @NullEncodable public var predictionErrorPercent: Double?
    public var costPerHourUSD: Double
    public var powerKW: Double

    /// Predicts with `planner`, then searches by simulation starting from the prediction.
    public init(pools: [PoolCount], request: PlanRequest, planner: ProvisioningPlanner, search: CapacitySearch) throws {
        let predicted = try planner.predictedCapacity(request, pools: pools)
        let start = predicted > 0 ? predicted : Double(max(pools.reduce(0) { $0 + $1.count }, 1))
        simulated = try search.run(pools: pools, startRequestsPerSecond: start)
        scenario = request.scenario.name
        model = (request.model ?? request.scenario.model).rawValue
        self.pools = pools
        predictedRequestsPerSecond = predicted
        predictionErrorPercent = simulated.requestsPerSecond > 0 ? 100 * (predicted / simulated.requestsPerSecond - 1) : nil
        var cost = 0.0, power = 0.0
        for pool in pools {
            let machine = try planner.catalog.machine(pool.machine, file: "cluster", jsonPath: "pools")
            cost += machine.pricePerHourUSD * Double(pool.count)
            power += machine.provisionedPowerKW(capFraction: pool.powerCap) * Double(pool.count)
        }
        costPerHourUSD = cost
        powerKW = power
    }
}
