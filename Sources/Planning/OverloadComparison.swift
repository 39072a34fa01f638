import ClusterModel
import Optimization
import Simulation

/// A cluster under overload two ways: what the planner predicts it completes a second
/// (`OverloadThroughput`) and what the simulator completes in its measurement window, with arrivals at
/// twice the larger prediction, with borrowing and (for split pools, which can borrow) without.
public struct OverloadComparison: Sendable, Codable, Equatable {
    /// Arrivals at this multiple of the larger prediction: far enough past it that the queues only grow,
    /// whichever way the prediction errs.
    public static let arrivalFactor = 2.0
    /// Seconds of arrivals when none are given: long enough for the batches to settle (a mixed pool of 40
    /// DGX-H100s on conversation Llama2-70B completes 215.8 req/s over a 300 s run, 228.8 over 600 s,
    /// 234.5 over 1200 s and 3000 s), shortened to stay within the simulation's request ceiling.
    public static let defaultDurationSeconds = 1200.0

    public var predicted: OverloadThroughput
    public var arrivalRequestsPerSecond: Double
    public var durationSeconds: Double
    public var simulatedWithBorrowingRequestsPerSecond: Double
    public var simulatedWithoutBorrowingRequestsPerSecond: Double
    /// predicted / simulated − 1, in percent (nil when nothing completed).
    @NullEncodable public var errorWithBorrowingPercent: Double?
    @NullEncodable public var errorWithoutBorrowingPercent: Double?

    /// `simulation`'s own duration when it has one, else `defaultDurationSeconds` (within its request ceiling).
    public init(pools: [PoolCount], request: PlanRequest, planner: ProvisioningPlanner, simulation: ScenarioSimulation) throws {
        predicted = try planner.overloadThroughput(request, pools: pools)
        let fastest = max(predicted.withBorrowingRequestsPerSecond, predicted.withoutBorrowingRequestsPerSecond)
        arrivalRequestsPerSecond = Self.arrivalFactor * max(fastest, 1)
        durationSeconds = simulation.durationSeconds
            ?? min(Self.defaultDurationSeconds, 0.9 * Double(simulation.maximumRequests) / arrivalRequestsPerSecond)
        var run = simulation
        run.ratePerSecond = arrivalRequestsPerSecond
        run.durationSeconds = durationSeconds
        run.borrowing = false
        let without = try run.run(pools: pools).completedRequestsPerSecond
        run.borrowing = true
        let with = pools.canBorrow ? try run.run(pools: pools).completedRequestsPerSecond : without
        simulatedWithoutBorrowingRequestsPerSecond = without
        simulatedWithBorrowingRequestsPerSecond = with
        errorWithBorrowingPercent = with > 0 ? 100 * (predicted.withBorrowingRequestsPerSecond / with - 1) : nil
        errorWithoutBorrowingPercent = without > 0 ? 100 * (predicted.withoutBorrowingRequestsPerSecond / without - 1) : nil
    }
}
