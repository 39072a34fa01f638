import Foundation
import ClusterModel
import Optimization

/// A second backend that tries every integer point: exact, and only for small pure-integer models.
/// It shares nothing with GLPK, so agreement between the two is evidence both are right.
struct EnumerationSolver: MILPSolver {
    let name = "enumeration"

    func solve(_ model: LinearModel, options: SolveOptions) throws -> SolveResult {
        try model.validate()
        guard model.variables.allSatisfy({ $0.kind != .continuous && $0.lower.isFinite && $0.upper.isFinite }) else {
            throw OptimizationError.invalidModel("enumeration needs bounded integer variables")
        }
        let ranges = model.variables.map { Int($0.lower.rounded(.up))...Int($0.upper.rounded(.down)) }
        var point = ranges.map(\.lowerBound)
        var best: (value: Double, point: [Double])?
        let sign: Double = model.sense == .minimize ? 1 : -1
        while true {
            let values = point.map(Double.init)
            let feasible = model.constraints.allSatisfy { constraint in
                let activity = model.value(of: constraint.expression, at: values)
                return activity >= constraint.lower - 1e-9 && activity <= constraint.upper + 1e-9
            }
            if feasible {
                let objective = model.value(of: model.objective, at: values)
                if best == nil || sign * objective < sign * (best?.value ?? 0) - 1e-12 { best = (objective, values) }
            }
            var index = 0
            while index < point.count {
                if point[index] < ranges[index].upperBound { point[index] += 1; break }
                point[index] = ranges[index].lowerBound
                index += 1
            }
            if index == point.count { break }
        }
        guard let best else { return SolveResult(status: .infeasible, seconds: 0) }
        return SolveResult(status: .optimal, objectiveValue: best.value, bestBound: best.value, seconds: 0, values: best.point,
                           constraintValues: model.constraints.map { model.value(of: $0.expression, at: best.point) })
    }
}
