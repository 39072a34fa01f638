/// A backend that solves `LinearModel`s. Every backend passes the same conformance suite.
public protocol MILPSolver: Sendable {
    var name: String { get }
    /// Validates the model, then solves it. Throws only for invalid models or backend failures.
    func solve(_ model: LinearModel, options: SolveOptions) throws -> SolveResult
}

public struct SolveOptions: Sendable, Equatable {
    public var timeLimitSeconds: Double
    /// Relative gap between the incumbent and the best bound at which a MIP search may stop.
    public var relativeGap: Double

    public init(timeLimitSeconds: Double = 10, relativeGap: Double = 1e-4) {
        self.timeLimitSeconds = timeLimitSeconds
        self.relativeGap = relativeGap
    }
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
