import ClusterModel

/// A backend that solves `LinearModel`s. Every backend passes the same conformance suite.
public protocol MILPSolver: Sendable {
    var name: String { get }
    /// Validates the model, then solves it. Throws only for invalid models or backend failures.
    func solve(_ model: LinearModel, options: SolveOptions) throws -> SolveResult
}

public struct SolveOptions: Sendable, Equatable {
    /// The most one solve may take.
    public var timeLimitSeconds: Double
    /// Relative gap between the incumbent and the best bound at which a MIP search may stop.
    public var relativeGap: Double
    /// The whole run's limit: a solve gets at most what is left of it.
    public var deadline: Deadline?

    public init(timeLimitSeconds: Double = 10, relativeGap: Double = 1e-4, deadline: Deadline? = nil) {
        self.timeLimitSeconds = timeLimitSeconds
        self.relativeGap = relativeGap
        self.deadline = deadline
    }

    /// Solves within a run's deadline: each may use all that is left of it.
    public static func within(_ deadline: Deadline) -> SolveOptions {
        SolveOptions(timeLimitSeconds: deadline.limitSeconds, deadline: deadline)
    }

    /// This solve's limit: the per-solve one, or less when the run's deadline is nearer.
    public var solveTimeLimitSeconds: Double { min(timeLimitSeconds, deadline?.remainingSeconds ?? .infinity) }
}

public enum SolveStatus: String, Sendable, Codable, Equatable {
    /// Optimal within the requested gap.
    case optimal
    /// A feasible solution, not proven optimal within the gap before the time limit.
    case feasible
    case infeasible
    case unbounded
    /// The time limit passed before any feasible solution was found.
    case timeLimit = "time-limit"

    public var hasSolution: Bool { self == .optimal || self == .feasible }
}

public struct SolveResult: Sendable, Equatable {
    public var status: SolveStatus
    public var objectiveValue: Double?
    /// A proven bound on the optimum (from below when minimising).
    public var bestBound: Double?
    public var seconds: Double
    /// Variable values in model order; empty without a solution.
    public var values: [Double]
    /// Constraint activities in model order; empty without a solution.
    public var constraintValues: [Double]

    public init(status: SolveStatus, objectiveValue: Double? = nil, bestBound: Double? = nil, seconds: Double,
                values: [Double] = [], constraintValues: [Double] = []) {
        self.status = status
        self.objectiveValue = objectiveValue
        self.bestBound = bestBound
        self.seconds = seconds
        self.values = values
        self.constraintValues = constraintValues
    }

    /// |objective − bound| / max(|objective|, 1e-9): 0 when proven optimal.
    public var relativeGap: Double? {
        guard let objectiveValue, let bestBound else { return nil }
        return abs(objectiveValue - bestBound) / max(abs(objectiveValue), 1e-9)
    }

    public func value(_ variable: VariableID) -> Double { values.isEmpty ? 0 : values[variable.index] }
}
