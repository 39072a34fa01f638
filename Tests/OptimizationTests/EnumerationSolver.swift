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
        // Dense rows: a point's activities are a few multiply-adds, not a dictionary walk per row.
        func dense(_ expression: LinearExpression) -> [Double] {
            var row = [Double](repeating: 0, count: ranges.count)
            for (variable, coefficient) in expression.terms { row[variable.index] += coefficient }
            return row
        }
        let rows = model.constraints.map { (coefficients: dense($0.expression), constant: $0.expression.constant, lower: $0.lower, upper: $0.upper) }
        let objectiveRow = dense(model.objective)
        func activity(_ coefficients: [Double], _ constant: Double, _ values: [Double]) -> Double {
            var total = constant
            for index in values.indices { total += coefficients[index] * values[index] }
            return total
        }
        var point = ranges.map(\.lowerBound)
        var values = point.map(Double.init)
        var best: (value: Double, point: [Double])?
        let sign: Double = model.sense == .minimize ? 1 : -1
        while true {
            let feasible = rows.allSatisfy { row in
                let value = activity(row.coefficients, row.constant, values)
                return value >= row.lower - 1e-9 && value <= row.upper + 1e-9
            }
            if feasible {
                let objective = activity(objectiveRow, model.objective.constant, values)
                if best == nil || sign * objective < sign * (best?.value ?? 0) - 1e-12 { best = (objective, values) }
            }
            var index = 0
            while index < point.count {
                if point[index] < ranges[index].upperBound {
                    point[index] += 1
                    values[index] = Double(point[index])
                    break
                }
                point[index] = ranges[index].lowerBound
                values[index] = Double(point[index])
                index += 1
            }
            if index == point.count { break }
        }
        guard let best else { return SolveResult(status: .infeasible, seconds: 0) }
        return SolveResult(status: .optimal, objectiveValue: best.value, bestBound: best.value, seconds: 0, values: best.point,
                           constraintValues: model.constraints.map { model.value(of: $0.expression, at: best.point) })
    }
}
