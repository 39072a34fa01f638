import Foundation

/// The Markov chain over (N held, M misplaced) with at most two requests per instance, solved level by
/// level in N (every transition moves N by one: linear level reduction of a level-dependent QBD).
/// Time in units of the mean holding time: arrivals at rate A, each request leaving at rate 1.
struct MisplacementChain {
    let mean: Double
    let servers: Int
    let lowest: Int
    let highest: Int
    let mostMisplaced: Int

    init(heldMean mean: Double, instances servers: Int) {
        self.mean = mean
        self.servers = servers
        let spread = Self.spread(mean)
        lowest = max(0, Int((mean - spread).rounded(.down)))
        // Beyond 2S held, some instance would hold three: the two-level chain stops there (nothing is misplaced
        // that far above S).
        highest = min(2 * servers, Int((mean + spread).rounded(.up)))
        // Misplaced requests number about 0.2·√S on average; √S + 4 keeps all but 0.2 % of their mean (the
        // solve's cost grows as the cube of this).
        mostMisplaced = Int(Double(servers).squareRoot().rounded(.up)) + 4
    }

    /// Levels of N the chain spans either side of its mean: 5.5 standard deviations and a few more (the
    /// Poisson mass beyond is below 1e-7).
    static func spread(_ mean: Double) -> Double { 5.5 * mean.squareRoot() + 5 }

    /// Largest M at N held: occupied instances n₁ = min(N, S) − M must hold all N with at most two each.
    func topMisplaced(_ held: Int) -> Int { min(mostMisplaced, min(held, servers) - (held + 1) / 2) }

    /// One transition: the M it lands on and its rate.
    typealias Move = (to: Int, rate: Double)

    /// Rates out of (N, M): to N + 1 (an arrival) and to N − 1 (a single's or a double's request leaving),
    /// with the M each lands on, as optionals rather than an array of moves: the solve asks this thousands of
    /// times (a two-element literal over them in a loop is optimised away; a closure per call was 25 % slower).
    func moves(held: Int, misplaced: Int) -> (up: Move?, down: (Move?, Move?)) {
        let occupied = min(held, servers) - misplaced, doubled = held - occupied
        var up: Move?
        if held < highest { up = (min(held < servers ? misplaced : max(misplaced - 1, 0), topMisplaced(held + 1)), mean) }
        var single: Move?, double: Move?
        if held > lowest {
            let below = topMisplaced(held - 1)
            let singles = occupied - doubled
            if singles > 0 { single = (min(held - 1 >= servers ? misplaced + 1 : misplaced, below), Double(singles)) }
            // Below S every doubled instance is a misplaced request (doubled = M), so M − 1 ≥ 0 here.
            if doubled > 0 { double = (min(held - 1 >= servers ? misplaced : misplaced - 1, below), Double(2 * doubled)) }
        }
        return (up, (single, double))
    }

    /// Outflow of every state at a level (the diagonal of the generator, negated).
    func outflow(held: Int, size: Int) -> [Double] {
        (0..<size).map { m in
            let (up, down) = moves(held: held, misplaced: m)
            return (up?.rate ?? 0) + (down.0?.rate ?? 0) + (down.1?.rate ?? 0)
        }
    }

    func meanMisplaced() -> Double {
        // Requests are misplaced only once N has reached S: if it (almost) never does, or the chain would start
        // above 2S, nothing is.
        guard highest > lowest, highest >= servers, lowest < 2 * servers else { return 0 }
        let levels = highest - lowest + 1
        let sizes = (0..<levels).map { topMisplaced(lowest + $0) + 1 }
        guard sizes.allSatisfy({ $0 > 0 }), let largest = sizes.max() else { return 0 }
        // Reduce from both tails towards the most likely level: each map then shrinks the distribution it
        // carries, so the tails' tiny probabilities never have to be blown up (which loses every digit).
        let centre = min(max(Int(mean.rounded()) - lowest, 0), levels - 1)
        // Every level's map in one buffer (the solve runs for every load a search tries: one allocation, not
        // six a level): the map up from level k (sizes[k] × sizes[k + 1]) above the centre, down from k
        // (sizes[k] × sizes[k − 1]) below it.
        var offsets = Array(repeating: 0, count: levels + 1)
        for k in 0..<levels {
            let other = k >= centre ? (k + 1 < levels ? sizes[k + 1] : 0) : 0
            let beneath = k <= centre && k > 0 ? sizes[k - 1] : 0
            offsets[k + 1] = offsets[k] + sizes[k] * (other + beneath)
        }
        var maps = Array(repeating: 0.0, count: offsets[levels])
        let square = largest * largest
        return maps.withUnsafeMutableBufferPointer { maps -> Double in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 5 * square) { scratch -> Double in
                guard let maps = maps.baseAddress, let base = scratch.baseAddress else { return 0 }
                let (matrix, inverse) = (base, base + square)
                var (carried, product) = (base + 2 * square, base + 3 * square)
                let fromAbove = base + 4 * square
                // From the top: π₍ₖ₊₁₎ = π₍ₖ₎ R₍ₖ₎ with R₍ₖ₋₁₎ = Up₍ₖ₋₁₎ (D₍ₖ₎ − R₍ₖ₎ Down₍ₖ₊₁₎)⁻¹.
                var returning = false
                for level in stride(from: levels - 1, to: centre, by: -1) {
                    let size = sizes[level], below = sizes[level - 1]
                    reduced(into: matrix, outflow(held: lowest + level, size: size), returningFromAbove: returning ? carried : nil, returningFromBelow: nil)
                    guard Self.invert(matrix, into: inverse, size: size) else { return 0 }
                    let map = maps + offsets[level - 1]
                    for m in 0..<below {
                        guard let up = moves(held: lowest + level - 1, misplaced: m).up else { continue }
                        for j in 0..<size { map[m * size + j] = up.rate * inverse[up.to * size + j] }
                    }
                    product.update(repeating: 0, count: below * below)
                    for j in 0..<size {
                        let (single, double) = moves(held: lowest + level, misplaced: j).down
                        // Each way down in turn (an array literal of the two fetches its type's metadata every time).
                        if let move = single { for m in 0..<below { product[m * below + move.to] += map[m * size + j] * move.rate } }
                        if let move = double { for m in 0..<below { product[m * below + move.to] += map[m * size + j] * move.rate } }
                    }
                    (carried, product, returning) = (product, carried, true)
                }
                let aboveReturns = returning
                if aboveReturns { fromAbove.update(from: carried, count: sizes[centre] * sizes[centre]) }
                // From the bottom: π₍ₖ₋₁₎ = π₍ₖ₎ S₍ₖ₎ with S₍ₖ₊₁₎ = Down₍ₖ₊₁₎ (D₍ₖ₎ − S₍ₖ₎ Up₍ₖ₋₁₎)⁻¹.
                returning = false
                for level in 0..<centre {
                    let size = sizes[level], above = sizes[level + 1]
                    reduced(into: matrix, outflow(held: lowest + level, size: size), returningFromAbove: nil, returningFromBelow: returning ? carried : nil)
                    guard Self.invert(matrix, into: inverse, size: size) else { return 0 }
                    let map = maps + offsets[level + 1] + (level + 1 >= centre && level + 2 < levels ? sizes[level + 1] * sizes[level + 2] : 0)
                    for j in 0..<above {
                        let (single, double) = moves(held: lowest + level + 1, misplaced: j).down
                        if let move = single { for m in 0..<size { map[j * size + m] += move.rate * inverse[move.to * size + m] } }
                        if let move = double { for m in 0..<size { map[j * size + m] += move.rate * inverse[move.to * size + m] } }
                    }
                    product.update(repeating: 0, count: above * above)
                    for m in 0..<size {
                        guard let up = moves(held: lowest + level, misplaced: m).up else { continue }
                        for j in 0..<above { product[j * above + up.to] += map[j * size + m] * up.rate }
                    }
                    (carried, product, returning) = (product, carried, true)
                }
                let size = sizes[centre]
                reduced(into: matrix, outflow(held: lowest + centre, size: size), returningFromAbove: aboveReturns ? fromAbove : nil,
                        returningFromBelow: returning ? carried : nil)
                let middle = Self.stationary(Array(UnsafeBufferPointer(start: matrix, count: size * size)), size: size)
                var total = 0.0, weighted = 0.0
                func add(_ distribution: [Double]) {
                    for (m, probability) in distribution.enumerated() { total += probability; weighted += probability * Double(m) }
                }
                add(middle)
                var level = middle
                for k in centre..<(levels - 1) {
                    level = Self.apply(level, maps + offsets[k], columns: sizes[k + 1])
                    add(level)
                }
                level = middle
                for k in stride(from: centre, to: 0, by: -1) {
                    let map = maps + offsets[k] + (k >= centre && k + 1 < levels ? sizes[k] * sizes[k + 1] : 0)
                    level = Self.apply(level, map, columns: sizes[k - 1])
                    add(level)
                }
                // The chain holds N ≤ 2S (a Poisson truncated there); above it nothing is misplaced.
                return total > 0 ? weighted / total * poissonMass(through: highest) : 0
            }
        }
    }

    /// P(N ≤ `last`) for N ~ Poisson(mean), from the chain's lowest level (the mass below it is negligible).
    private func poissonMass(through last: Int) -> Double {
        guard Double(last) < mean + Self.spread(mean) else { return 1 }
        return (lowest...last).reduce(0.0) { $0 + exp(-mean + Double($1) * log(mean) - lgamma(Double($1) + 1)) }
    }

    /// The level's generator with the levels beyond it folded in: diag(outflow) minus the flows that leave
    /// it and come back through the levels above or below (row-major, size × size; either may be absent).
    private func reduced(into matrix: UnsafeMutablePointer<Double>, _ outflow: [Double], returningFromAbove above: UnsafePointer<Double>?,
                         returningFromBelow below: UnsafePointer<Double>?) {
        let size = outflow.count
        matrix.update(repeating: 0, count: size * size)
        for i in 0..<size { matrix[i * size + i] = outflow[i] }
        if let above { for index in 0..<(size * size) { matrix[index] -= above[index] } }
        if let below { for index in 0..<(size * size) { matrix[index] -= below[index] } }
    }

    /// π M for a row vector π and a row-major matrix M with `columns` columns (negative rounding clipped).
    static func apply(_ vector: [Double], _ matrix: UnsafePointer<Double>, columns: Int) -> [Double] {
        var result = Array(repeating: 0.0, count: columns)
        for (row, weight) in vector.enumerated() where weight > 0 {
            for j in 0..<columns { result[j] += weight * matrix[row * columns + j] }
        }
        return result.map { max($0, 0) }
    }

    /// Stationary vector (unnormalised) of the chain watched only at one level, given its folded generator
    /// (rows sum to zero), by Grassmann–Taksar–Heyman elimination, which never subtracts.
    static func stationary(_ matrix: [Double], size: Int) -> [Double] {
        guard size > 0 else { return [] }
        var rate = matrix.map { -$0 }
        for n in stride(from: size - 1, to: 0, by: -1) {
            let out = (0..<n).reduce(0.0) { $0 + rate[n * size + $1] }
            guard out > 0 else { continue }
            for i in 0..<n { rate[i * size + n] /= out }
            for i in 0..<n { for j in 0..<n where i != j { rate[i * size + j] += rate[i * size + n] * rate[n * size + j] } }
        }
        var vector = Array(repeating: 0.0, count: size)
        vector[0] = 1
        for n in 1..<max(size, 1) { vector[n] = (0..<n).reduce(0.0) { $0 + vector[$1] * rate[$1 * size + n] } }
        return vector
    }

    /// Gauss–Jordan with partial pivoting (the matrices are small: a few dozen rows).
    static func invert(_ matrix: [Double], size: Int) -> [Double]? {
        var a = matrix, inverse = Array(repeating: 0.0, count: size * size)
        let invertible = a.withUnsafeMutableBufferPointer { a in
            inverse.withUnsafeMutableBufferPointer { inverse in
                guard let a = a.baseAddress, let inverse = inverse.baseAddress else { return true }
                return invert(a, into: inverse, size: size)
            }
        }
        return invertible ? inverse : nil
    }

    /// The same on raw buffers (this is the solve's inner loop): `a` is consumed, `inverse` written whole;
    /// false when `a` is singular.
    static func invert(_ a: UnsafeMutablePointer<Double>, into inverse: UnsafeMutablePointer<Double>, size: Int) -> Bool {
        inverse.update(repeating: 0, count: size * size)
        for i in 0..<size { inverse[i * size + i] = 1 }
        for column in 0..<size {
            var pivot = column
            for row in (column + 1)..<max(size, column + 1) where abs(a[row &* size &+ column]) > abs(a[pivot &* size &+ column]) { pivot = row }
            guard abs(a[pivot &* size &+ column]) > 1e-300 else { return false }
            // Rows as pointers, indices without overflow checks: the loops below then run as vectors.
            let (rowA, rowInverse) = (a + column &* size, inverse + column &* size)
            if pivot != column {
                let (otherA, otherInverse) = (a + pivot &* size, inverse + pivot &* size)
                for j in 0..<size {
                    (rowA[j], otherA[j]) = (otherA[j], rowA[j])
                    (rowInverse[j], otherInverse[j]) = (otherInverse[j], rowInverse[j])
                }
            }
            // Columns up to this one are never read again (a pivot is only sought further right), so
            // their entries are left as they are: the inverse is the same to the bit.
            let scale = 1 / rowA[column]
            for j in (column + 1)..<size { rowA[j] *= scale }
            for j in 0..<size { rowInverse[j] *= scale }
            for i in 0..<size where i != column {
                let (targetA, targetInverse) = (a + i &* size, inverse + i &* size)
                let factor = targetA[column]
                guard factor != 0 else { continue }
                for j in (column + 1)..<size { targetA[j] -= factor * rowA[j] }
                for j in 0..<size { targetInverse[j] -= factor * rowInverse[j] }
            }
        }
        return true
    }
}
