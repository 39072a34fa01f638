extension LinearModel {
    /// Checks what a solver would otherwise reject or misread: finite coefficients, bounds in order,
    /// integer bounds that admit an integer, terms naming existing variables.
    public func validate() throws {
        for (index, variable) in variables.enumerated() {
            guard !variable.lower.isNaN, !variable.upper.isNaN, variable.lower < .infinity, variable.upper > -.infinity else {
                throw OptimizationError.invalidModel("variable \(variable.name) has bounds [\(variable.lower), \(variable.upper)]")
            }
            guard variable.lower <= variable.upper else {
                throw OptimizationError.invalidModel("variable \(variable.name) (#\(index)) has lower bound \(variable.lower) above its upper bound \(variable.upper)")
            }
            if variable.kind != .continuous, variable.lower.rounded(.up) > variable.upper.rounded(.down) {
                throw OptimizationError.invalidModel("integer variable \(variable.name) has no integer in [\(variable.lower), \(variable.upper)]")
            }
        }
        try check(objective, in: "the objective")
        guard objective.constant.isFinite else { throw OptimizationError.invalidModel("the objective's constant is not finite") }
        for constraint in constraints {
            try check(constraint.expression, in: "constraint \(constraint.name)")
            guard !constraint.lower.isNaN, !constraint.upper.isNaN, constraint.lower <= constraint.upper,
                  constraint.lower < .infinity, constraint.upper > -.infinity else {
                throw OptimizationError.invalidModel("constraint \(constraint.name) has bounds [\(constraint.lower), \(constraint.upper)]")
            }
        }
    }

    private func check(_ expression: LinearExpression, in place: String) throws {
        for (variable, coefficient) in expression.terms {
            guard variable.index >= 0, variable.index < variables.count else {
                throw OptimizationError.invalidModel("\(place) names variable #\(variable.index); the model has \(variables.count)")
            }
            guard coefficient.isFinite else {
                throw OptimizationError.invalidModel("\(place) has coefficient \(coefficient) for \(variables[variable.index].name)")
            }
        }
    }
}

/// Errors of model building and of backends. Solver outcomes (infeasible, time limit) are not errors:
/// they are `SolveStatus` values.
public enum OptimizationError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidModel(String)
    case backendFailure(String)
    case cannotWriteModel(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidModel(let reason): return "invalid optimisation model: \(reason)"
        case .backendFailure(let reason): return "the solver failed: \(reason)"
        case .cannotWriteModel(let path, let reason): return "cannot write the model to \(path): \(reason)"
        }
    }
}
