import Foundation

/// What an arrival meets in a pool of S instances fed by join-shortest-queue, each serving the requests
/// it holds in parallel (a mixed machine's continuous batch), when A requests are held on average.
///
/// Requests leave independently of where they run, so the number held is N ~ Poisson(A) (M/G/∞). Flow
/// balance between neighbouring loads gives two identities: arrivals lift an instance from k to k + 1
/// only when k is the least load, and requests leave an instance holding k + 1 at k + 1 times the rate
/// of one, so an arrival meets a least load of k with probability (k + 1)·x₍ₖ₊₁₎ / L, where x is the
/// share of instances holding each count and L = A / S. Hence E[least load] = E[Q(Q − 1)] / L and
/// P(no instance idle) = 1 − x₁ / L over one instance's load Q.
///
/// The loads: as even as N allows (⌊N/S⌋ each, one more on N mod S of them), plus the requests that
/// join-shortest-queue leaves misplaced because requests never move: after a surge some instances still
/// hold two while others have emptied. Their mean comes from the exact Markov chain over (N, misplaced)
/// for one and two requests per instance, where it matters; each misplaced request turns two instances
/// holding one into one holding two and one idle.
enum JoinShortestQueue {
    /// Mean requests beside an arrival (its least load) and the chance that no instance is idle.
    static func arrivalView(heldMean mean: Double, instances poolSize: Int) -> (others: Double, busy: Double) {
        let instances = Double(max(poolSize, 1))
        guard mean > 0, mean.isFinite else { return (mean > 0 ? mean / instances : 0, mean > 0 ? 1 : 0) }
        let perInstance = mean / instances
        let even = evenSpread(heldMean: mean, instances: poolSize)
        let misplaced = poolSize > 1 ? misplacedMean(heldMean: mean, instances: poolSize) : 0
        let pairs = even.pairs + 2 * misplaced / instances
        let holdingOne = even.holdingOne - 2 * misplaced / instances
        return (pairs / perInstance, min(max(1 - holdingOne / perInstance, 0), 1))
    }

    /// Per instance, E[Q(Q − 1)] and the share holding exactly one request, with the N ~ Poisson(A) held
    /// spread as evenly as N allows.
    static func evenSpread(heldMean mean: Double, instances poolSize: Int) -> (pairs: Double, holdingOne: Double) {
        let instances = Double(max(poolSize, 1))
        // Sum over the Poisson mass within 12 standard deviations (the rest is below 1e-30), in log space.
        let spread = 12 * mean.squareRoot() + 30
        guard spread < 100_000 else {
            // So many requests that N/S is A/S to within a rounding.
            let perInstance = mean / instances
            let level = perInstance.rounded(.down), fraction = perInstance - level
            return ((1 - fraction) * level * (level - 1) + fraction * (level + 1) * level, 0)
        }
        var pairs = 0.0, holdingOne = 0.0
        var count = max(0, (mean - spread).rounded(.down))
        let last = (mean + spread).rounded(.up)
        while count <= last {
            let probability = exp(-mean + count * log(mean) - lgamma(count + 1))
            let level = (count / instances).rounded(.down)
            let above = count - level * instances
            pairs += probability * ((instances - above) * level * (level - 1) + above * (level + 1) * level) / instances
            if level == 0 { holdingOne += probability * above / instances }
            if level == 1 { holdingOne += probability * (instances - above) / instances }
            count += 1
        }
        return (pairs, holdingOne)
    }

    /// The exact chain is solved for pools of up to this many instances; a larger pool takes the mean of one
    /// this size at the same distance from criticality, β = (S − A)/√A, scaled by √A (heavy-traffic scaling).
    static let largestExactPool = 128

    /// Mean misplaced requests: instances holding two while another is idle (N ≥ S), or beyond the even
    /// spread's doubles (N < S).
    static func misplacedMean(heldMean mean: Double, instances servers: Int) -> Double {
        // So many requests that N stays far above 2S (the chain's top): nothing is misplaced.
        guard mean.isFinite, mean - MisplacementChain.spread(mean) < 2 * Double(servers) else { return 0 }
        guard servers > largestExactPool else { return MisplacementChain(heldMean: mean, instances: servers).meanMisplaced() }
        let beta = (Double(servers) - mean) / mean.squareRoot()
        // A pool of the largest exact size at the same β: S' − A' = β√A', so √A' solves a quadratic.
        let size = Double(largestExactPool)
        let root = (-beta + (beta * beta + 4 * size).squareRoot()) / 2
        let reference = root * root
        guard reference > 0 else { return 0 }
        return MisplacementChain(heldMean: reference, instances: largestExactPool).meanMisplaced() * (mean / reference).squareRoot()
    }
}

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
        guard sizes.allSatisfy({ $0 > 0 }) else { return 0 }
        // Reduce from both tails towards the most likely level: each map then shrinks the distribution it
        // carries, so the tails' tiny probabilities never have to be blown up (which loses every digit).
        let centre = min(max(Int(mean.rounded()) - lowest, 0), levels - 1)
        // From the top: π₍ₖ₊₁₎ = π₍ₖ₎ R₍ₖ₎ with R₍ₖ₋₁₎ = Up₍ₖ₋₁₎ (D₍ₖ₎ − R₍ₖ₎ Down₍ₖ₊₁₎)⁻¹.
        var upMaps: [[Double]] = Array(repeating: [], count: levels)
        var fromAbove: [Double] = []
        for level in stride(from: levels - 1, to: centre, by: -1) {
            let size = sizes[level], below = sizes[level - 1]
            let matrix = reduced(outflow(held: lowest + level, size: size), returningFromAbove: fromAbove, returningFromBelow: [])
            guard let inverse = Self.invert(matrix, size: size) else { return 0 }
            var map = Array(repeating: 0.0, count: below * size)
            for m in 0..<below {
                guard let up = moves(held: lowest + level - 1, misplaced: m).up else { continue }
                for j in 0..<size { map[m * size + j] = up.rate * inverse[up.to * size + j] }
            }
            upMaps[level - 1] = map
            var product = Array(repeating: 0.0, count: below * below)
            for j in 0..<size {
                let (single, double) = moves(held: lowest + level, misplaced: j).down
                // Each way down in turn (an array literal of the two fetches its type's metadata every time).
                if let move = single { for m in 0..<below { product[m * below + move.to] += map[m * size + j] * move.rate } }
                if let move = double { for m in 0..<below { product[m * below + move.to] += map[m * size + j] * move.rate } }
            }
            fromAbove = product
        }
        // From the bottom: π₍ₖ₋₁₎ = π₍ₖ₎ S₍ₖ₎ with S₍ₖ₊₁₎ = Down₍ₖ₊₁₎ (D₍ₖ₎ − S₍ₖ₎ Up₍ₖ₋₁₎)⁻¹.
        var downMaps: [[Double]] = Array(repeating: [], count: levels)
        var fromBelow: [Double] = []
        for level in 0..<centre {
            let size = sizes[level], above = sizes[level + 1]
            let matrix = reduced(outflow(held: lowest + level, size: size), returningFromAbove: [], returningFromBelow: fromBelow)
            guard let inverse = Self.invert(matrix, size: size) else { return 0 }
            var map = Array(repeating: 0.0, count: above * size)
            for j in 0..<above {
                let (single, double) = moves(held: lowest + level + 1, misplaced: j).down
                if let move = single { for m in 0..<size { map[j * size + m] += move.rate * inverse[move.to * size + m] } }
                if let move = double { for m in 0..<size { map[j * size + m] += move.rate * inverse[move.to * size + m] } }
            }
            downMaps[level + 1] = map
            var product = Array(repeating: 0.0, count: above * above)
            for m in 0..<size {
                guard let up = moves(held: lowest + level, misplaced: m).up else { continue }
                for j in 0..<above { product[j * above + up.to] += map[j * size + m] * up.rate }
            }
            fromBelow = product
        }
        let size = sizes[centre]
        let folded = reduced(outflow(held: lowest + centre, size: size), returningFromAbove: fromAbove, returningFromBelow: fromBelow)
        let middle = Self.stationary(folded, size: size)
        var total = 0.0, weighted = 0.0
        func add(_ distribution: [Double]) {
            for (m, probability) in distribution.enumerated() { total += probability; weighted += probability * Double(m) }
        }
        add(middle)
        var level = middle
        for k in centre..<(levels - 1) {
            level = Self.apply(level, upMaps[k], columns: sizes[k + 1])
            add(level)
        }
        level = middle
        for k in stride(from: centre, to: 0, by: -1) {
            level = Self.apply(level, downMaps[k], columns: sizes[k - 1])
            add(level)
        }
        // The chain holds N ≤ 2S (a Poisson truncated there); above it nothing is misplaced.
        return total > 0 ? weighted / total * poissonMass(through: highest) : 0
    }

    /// P(N ≤ `last`) for N ~ Poisson(mean), from the chain's lowest level (the mass below it is negligible).
    private func poissonMass(through last: Int) -> Double {
        guard Double(last) < mean + Self.spread(mean) else { return 1 }
        return (lowest...last).reduce(0.0) { $0 + exp(-mean + Double($1) * log(mean) - lgamma(Double($1) + 1)) }
    }

    /// The level's generator with the levels beyond it folded in: diag(outflow) minus the flows that leave
    /// it and come back through the levels above or below (row-major, size × size; either may be empty).
    private func reduced(_ outflow: [Double], returningFromAbove above: [Double], returningFromBelow below: [Double]) -> [Double] {
        let size = outflow.count
        var matrix = Array(repeating: 0.0, count: size * size)
        for i in 0..<size { matrix[i * size + i] = outflow[i] }
        for (index, value) in above.enumerated() { matrix[index] -= value }
        for (index, value) in below.enumerated() { matrix[index] -= value }
        return matrix
    }

    /// π M for a row vector π and a row-major matrix M with `columns` columns (negative rounding clipped).
    static func apply(_ vector: [Double], _ matrix: [Double], columns: Int) -> [Double] {
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

    /// Gauss–Jordan with partial pivoting (the matrices are small: a few dozen rows; this is the solve's
    /// inner loop, so it runs on raw buffers).
    static func invert(_ matrix: [Double], size: Int) -> [Double]? {
        var a = matrix, inverse = Array(repeating: 0.0, count: size * size)
        for i in 0..<size { inverse[i * size + i] = 1 }
        let singular = a.withUnsafeMutableBufferPointer { a in
            inverse.withUnsafeMutableBufferPointer { inverse in
                guard let a = a.baseAddress, let inverse = inverse.baseAddress else { return false }
                for column in 0..<size {
                    var pivot = column
                    for row in (column + 1)..<max(size, column + 1) where abs(a[row &* size &+ column]) > abs(a[pivot &* size &+ column]) { pivot = row }
                    guard abs(a[pivot &* size &+ column]) > 1e-300 else { return true }
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
                return false
            }
        }
        return singular ? nil : inverse
    }

}
