import ClusterModel
import Foundation
import Optimization
import Simulation

/// A cluster's capacity two ways: the planner's prediction (its queueing caps at these pool sizes) and the
/// highest rate at which the simulator shows every SLO met; on request, also the simulated capacity with
/// every machine kept in its pool, which is what the planner models (its capacity within the SLOs credits no
/// borrowing; under overload it does, `OverloadComparison`).
public struct CapacityReport: Sendable, Codable, Equatable {
    public var scenario: String
    public var model: String
    public var pools: [PoolCount]
    public var predictedRequestsPerSecond: Double
    /// Whether the simulated cluster borrowed machines into the mixed pool (the scenario's
    /// `scheduler.borrowing`, unless switched off); it can only when the cluster has prompt or token pools.
    public var borrowing: Bool
    public var simulated: CapacitySearch.Outcome
    /// predicted / simulated − 1, in percent (nil when the simulated capacity is zero).
    @NullEncodable public var predictionErrorPercent: Double?
    /// The same search with borrowing off, when asked for and `simulated` borrowed; nil otherwise.
    @NullEncodable public var simulatedWithoutBorrowing: CapacitySearch.Outcome?
    /// predicted / simulated without borrowing − 1, in percent.
    @NullEncodable public var predictionErrorWithoutBorrowingPercent: Double?
    /// The cluster under overload, predicted and simulated, when asked for; nil otherwise.
    @NullEncodable public var overload: OverloadComparison?
    public var costPerHourUSD: Double
    public var powerKW: Double

    /// Predicts with `planner`, then searches by simulation starting from the prediction; with
    /// `alsoWithoutBorrowing`, searches again with borrowing off when the first search borrowed; with
    /// `overload`, also runs the cluster past what it serves (`OverloadComparison`).
    public init(pools: [PoolCount], request: PlanRequest, planner: ProvisioningPlanner, search: CapacitySearch,
                alsoWithoutBorrowing: Bool = false, overload: Bool = false) throws {
        let predicted = try planner.predictedCapacity(request, pools: pools)
        let start = predicted > 0 ? predicted : Double(max(pools.reduce(0) { $0 + $1.count }, 1))
        simulated = try search.run(pools: pools, startRequestsPerSecond: start)
        borrowing = (search.simulation.borrowing ?? search.simulation.scenario.scheduler.borrowing) && pools.canBorrow
        var without: CapacitySearch.Outcome?
        if alsoWithoutBorrowing, borrowing {
            var kept = search
            kept.simulation.borrowing = false
            without = try kept.run(pools: pools, startRequestsPerSecond: start)
        }
        simulatedWithoutBorrowing = without
        self.overload = overload ? try OverloadComparison(pools: pools, request: request, planner: planner, simulation: search.simulation) : nil
        scenario = request.scenario.name
        model = (request.model ?? request.scenario.model).rawValue
        self.pools = pools
        predictedRequestsPerSecond = predicted
        predictionErrorPercent = Self.errorPercent(predicted, against: simulated)
        predictionErrorWithoutBorrowingPercent = without.flatMap { Self.errorPercent(predicted, against: $0) }
        var cost = 0.0, power = 0.0
        for pool in pools {
            let machine = try planner.catalog.machine(pool.machine, file: "cluster", jsonPath: "pools")
            cost += machine.pricePerHourUSD * Double(pool.count)
            power += machine.provisionedPowerKW(capFraction: pool.powerCap) * Double(pool.count)
        }
        costPerHourUSD = cost
        powerKW = power
    }

    private static func errorPercent(_ predicted: Double, against outcome: CapacitySearch.Outcome) -> Double? {
        outcome.requestsPerSecond > 0 ? 100 * (predicted / outcome.requestsPerSecond - 1) : nil
    }
}
