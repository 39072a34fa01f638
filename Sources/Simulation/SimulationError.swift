import ClusterModel

/// Why a simulation gave no result.
public enum SimulationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The run's wall-clock limit passed mid-simulation.
    case stoppedAtTimeLimit(limitSeconds: Double, simulatedSeconds: Double, arrivalSeconds: Double)

    public var description: String {
        switch self {
        case .stoppedAtTimeLimit(let limit, let simulated, let arrivals):
            return "stopped at the run's time limit of \(NumberFormatting.compact(limit)) s while simulating "
                + "(\(NumberFormatting.compact(simulated.rounded())) of \(NumberFormatting.compact(arrivals.rounded())) s of arrivals done); "
                + "raise --time-limit, or shorten the simulated duration or lower the rate"
        }
    }
}
