/// Derivative-free minimisation (Nelder & Mead, 1965) with the dimension-adaptive coefficients of
/// Gao & Han (2012), which keep the simplex from collapsing in the 10+ dimensions of a calibration.
/// Deterministic: the same start and step give the same answer.
struct NelderMead {
    var maxIterations = 4000
    var tolerance = 1e-10

    func minimize(_ f: ([Double]) -> Double, start: [Double], step: Double) -> (point: [Double], value: Double) {
        let n = start.count
        let dimension = Double(max(n, 2))
        let expansion = 1 + 2 / dimension, contraction = 0.75 - 1 / (2 * dimension), shrink = 1 - 1 / dimension
        var simplex = [start] + (0..<n).map { i -> [Double] in
            var vertex = start
            vertex[i] += step
            return vertex
        }
        var values = simplex.map(f)
        for _ in 0..<maxIterations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if abs(values[n] - values[0]) <= tolerance * (abs(values[0]) + tolerance) { break }
            let centroid = (0..<n).map { j in simplex[0..<n].reduce(0) { $0 + $1[j] } / Double(n) }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let reflected = along(-1), reflectedValue = f(reflected)
            if reflectedValue < values[0] {
                let expanded = along(-expansion), expandedValue = f(expanded)
                (simplex[n], values[n]) = expandedValue < reflectedValue ? (expanded, expandedValue) : (reflected, reflectedValue)
            } else if reflectedValue < values[n - 1] {
                (simplex[n], values[n]) = (reflected, reflectedValue)
            } else {
                let contracted = reflectedValue < values[n] ? along(-contraction) : along(contraction)
                let contractedValue = f(contracted)
                if contractedValue < min(reflectedValue, values[n]) {
                    (simplex[n], values[n]) = (contracted, contractedValue)
                } else {
                    for i in 1...n {
                        simplex[i] = (0..<n).map { simplex[0][$0] + shrink * (simplex[i][$0] - simplex[0][$0]) }
                        values[i] = f(simplex[i])
                    }
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] } ?? 0
        return (simplex[best], values[best])
    }
}
