import ClusterModel
import Foundation
@testable import Optimization
import Testing

/// The least load an arrival meets in a mixed pool, against the exact Markov chain of join-shortest-queue
/// over instances that serve their requests in parallel (each leaves at rate 1, wherever it runs).
@Suite struct JoinShortestQueueTests {
    /// Stationary distribution of the chain over sorted load vectors of `servers` instances, each holding
    /// at most `cap` requests (arrivals at rate `load` join an emptiest instance), by Gauss–Seidel.
    /// Returns E[least load] and P(least load ≥ 1), which arrivals see (Poisson arrivals see time averages).
    static func exactChain(load: Double, servers: Int, cap: Int) -> (others: Double, busy: Double) {
        var states: [[Int]] = [[]]
        for _ in 0..<servers { states = states.flatMap { state in ((state.last ?? 0)...cap).map { state + [$0] } } }
        var index: [[Int]: Int] = [:]
        for (i, state) in states.enumerated() { index[state] = i }
        // Incoming transitions of each state, and each state's total outflow rate.
        var incoming = Array(repeating: [(from: Int, rate: Double)](), count: states.count)
        var outflow = Array(repeating: 0.0, count: states.count)
        for (i, state) in states.enumerated() {
            var moves: [([Int], Double)] = []
            if state[0] < cap { var next = state; next[0] += 1; moves.append((next, load)) }
            for j in state.indices where state[j] > 0 { var next = state; next[j] -= 1; moves.append((next, Double(state[j]))) }
            for (next, rate) in moves {
                guard let target = index[next.sorted()] else { continue }
                incoming[target].append((i, rate))
                outflow[i] += rate
            }
        }
        var p = Array(repeating: 1 / Double(states.count), count: states.count)
        for _ in 0..<4000 {
            let previous = p
            for i in states.indices where outflow[i] > 0 { p[i] = incoming[i].reduce(0) { $0 + p[$1.from] * $1.rate } / outflow[i] }
            let total = p.reduce(0, +)
            p = p.map { $0 / total }
            if zip(p, previous).allSatisfy({ abs($0 - $1) < 1e-15 }) { break }
        }
        let others = zip(states, p).reduce(0.0) { $0 + Double($1.0[0]) * $1.1 }
        let busy = zip(states, p).reduce(0.0) { $0 + ($1.0[0] >= 1 ? $1.1 : 0) }
        return (others, busy)
    }

    /// Six instances at loads 4 and 6 (near one request per instance, where misplaced requests matter most):
    /// within 1 % of the exact chain, where the even spread alone is 20–36 % low; and three
    /// instances at load 12, where an arrival meeting ⌊N/3⌋ would see 3.67 (7 % high).
    @Test func leastLoadAgainstTheExactChain() {
        for (load, servers, cap) in [(4.0, 6, 8), (6.0, 6, 8), (12.0, 3, 14)] {
            let exact = Self.exactChain(load: load, servers: servers, cap: cap)
            let model = JoinShortestQueue.arrivalView(heldMean: load, instances: servers)
            #expect(abs(model.busy / exact.busy - 1) < 0.01 || abs(model.busy - exact.busy) < 0.003, "busy \(load) \(servers): \(model.busy) vs \(exact.busy)")
            #expect(abs(model.others / exact.others - 1) < 0.02, "others \(load) \(servers): \(model.others) vs \(exact.others)")
            let even = JoinShortestQueue.evenSpread(heldMean: load, instances: servers)
            if load <= Double(servers) { #expect(1 - even.holdingOne / (load / Double(servers)) < 0.85 * exact.busy) }
        }
    }

    /// A pool beyond the exact chain's size takes the misplaced mean of a 128-instance pool at the same distance
    /// from criticality, scaled by √A. Against the exact chain at that size: within 10 % at criticality, and
    /// within 0.005 requests per instance at 1.6 requests per instance, where the mean no longer grows as √A.
    @Test func misplacementBeyondTheExactSize() {
        for (load, servers, relative) in [(256.0, 256, 0.10), (320.0, 200, .infinity)] {
            let scaled = JoinShortestQueue.misplacedMean(heldMean: load, instances: servers)
            let exact = MisplacementChain(heldMean: load, instances: servers).meanMisplaced()
            #expect(exact > 0.1 && abs(scaled / exact - 1) < relative, "\(load) \(servers): \(scaled) vs \(exact)")
            #expect(abs(scaled - exact) / Double(servers) < 0.005)
        }
        // Far from criticality nothing is misplaced: a quarter load, or four requests per instance.
        #expect(JoinShortestQueue.misplacedMean(heldMean: 20, instances: 80) < 1e-6)
        #expect(JoinShortestQueue.misplacedMean(heldMean: 320, instances: 80) < 1e-6)
        // Loads no plan reaches still answer, and at once.
        #expect(JoinShortestQueue.misplacedMean(heldMean: 1e300, instances: 80) == 0)
        #expect(JoinShortestQueue.arrivalView(heldMean: 1e12, instances: 10_000).busy == 1)
    }
    /// Gauss–Jordan written out plainly (every column of both matrices updated): the chain's inversion, which
    /// skips the columns it no longer reads, gives the same inverse to the bit, and the same product with the
    /// matrix to within rounding. Random generators with returning flows (as the chain's levels), and general
    /// matrices that need row swaps.
    @Test func inversionIsPlainGaussJordan() {
        func plain(_ matrix: [Double], size: Int) -> [Double]? {
            var a = matrix, inverse = Array(repeating: 0.0, count: size * size)
            for i in 0..<size { inverse[i * size + i] = 1 }
            for column in 0..<size {
                var pivot = column
                for row in (column + 1)..<max(size, column + 1) where abs(a[row * size + column]) > abs(a[pivot * size + column]) { pivot = row }
                guard abs(a[pivot * size + column]) > 1e-300 else { return nil }
                for j in 0..<size { a.swapAt(pivot * size + j, column * size + j); inverse.swapAt(pivot * size + j, column * size + j) }
                let scale = 1 / a[column * size + column]
                for j in 0..<size { a[column * size + j] *= scale; inverse[column * size + j] *= scale }
                for i in 0..<size where i != column {
                    let factor = a[i * size + column]
                    for j in 0..<size { a[i * size + j] -= factor * a[column * size + j]; inverse[i * size + j] -= factor * inverse[column * size + j] }
                }
            }
            return inverse
        }
        var random = SplitMix64(seed: 43)
        var swapped = 0
        for trial in 0..<600 {
            let size = 1 + random.nextIndex(20)
            var matrix = (0..<(size * size)).map { _ in trial % 2 == 0 ? -random.nextUnit() : random.nextUnit() * 2 - 1 }
            if trial % 2 == 0 {
                // A level's generator: each row's outflow at least what returns.
                for i in 0..<size { matrix[i * size + i] = (0..<size).reduce(0.0) { $0 + abs(matrix[i * size + $1]) } + random.nextUnit() }
            } else if (1..<size).contains(where: { abs(matrix[$0 * size]) > abs(matrix[0]) }) {
                swapped += 1
            }
            let inverse = MisplacementChain.invert(matrix, size: size), expected = plain(matrix, size: size)
            #expect(inverse == expected, "size \(size)")
            guard let inverse else { continue }
            for i in 0..<size {
                for j in 0..<size {
                    let entry = (0..<size).reduce(0.0) { $0 + matrix[i * size + $1] * inverse[$1 * size + j] }
                    #expect(abs(entry - (i == j ? 1 : 0)) < 1e-6)
                }
            }
        }
        #expect(swapped > 100)
        #expect(MisplacementChain.invert([0, 0, 0, 0], size: 2) == nil)
    }
}

extension JoinShortestQueueTests {
    /// The level-by-level solve of the misplacement chain gives the mean of the same generator solved whole
    /// (every (N, M) state at once, by Gaussian elimination with the balance equations and Σπ = 1), times
    /// the Poisson mass the chain spans, to 10⁻⁹: pools of 2 to 12 instances from half to twice loaded.
    @Test func chainSolveMatchesTheWholeGenerator() {
        for servers in [2, 3, 5, 8, 12] {
            for load in [0.5, 0.9, 1.0, 1.3, 1.8, 2.0] {
                let chain = MisplacementChain(heldMean: load * Double(servers), instances: servers)
                guard chain.highest > chain.lowest, chain.highest >= servers, chain.lowest < 2 * servers else {
                    #expect(chain.meanMisplaced() == 0)
                    continue
                }
                var states: [(held: Int, misplaced: Int)] = []
                for held in chain.lowest...chain.highest { for m in 0...chain.topMisplaced(held) { states.append((held, m)) } }
                let index = Dictionary(uniqueKeysWithValues: states.enumerated().map { ("\($1.held),\($1.misplaced)", $0) })
                let count = states.count
                // Rows: balance of each state (inflow − outflow = 0), the last replaced by Σπ = 1.
                var a = Array(repeating: 0.0, count: count * (count + 1))
                for (from, state) in states.enumerated() {
                    let (up, down) = chain.moves(held: state.held, misplaced: state.misplaced)
                    let targets = [up.map { (state.held + 1, $0) }, down.0.map { (state.held - 1, $0) }, down.1.map { (state.held - 1, $0) }]
                    for case let (held, move)? in targets {
                        guard let to = index["\(held),\(move.to)"] else { continue }
                        a[to * (count + 1) + from] += move.rate
                        a[from * (count + 1) + from] -= move.rate
                    }
                }
                for column in 0..<count { a[(count - 1) * (count + 1) + column] = 1 }
                a[(count - 1) * (count + 1) + count] = 1
                for column in 0..<count {
                    let pivot = (column..<count).max { abs(a[$0 * (count + 1) + column]) < abs(a[$1 * (count + 1) + column]) } ?? column
                    for j in 0...count { a.swapAt(pivot * (count + 1) + j, column * (count + 1) + j) }
                    for row in 0..<count where row != column {
                        let factor = a[row * (count + 1) + column] / a[column * (count + 1) + column]
                        guard factor != 0 else { continue }
                        for j in column...count { a[row * (count + 1) + j] -= factor * a[column * (count + 1) + j] }
                    }
                }
                let pi = (0..<count).map { a[$0 * (count + 1) + count] / a[$0 * (count + 1) + $0] }
                let mean = load * Double(servers)
                let mass = Double(chain.highest) < mean + MisplacementChain.spread(mean)
                    ? (chain.lowest...chain.highest).reduce(0.0) { $0 + exp(-mean + Double($1) * log(mean) - lgamma(Double($1) + 1)) } : 1
                let expected = zip(states, pi).reduce(0.0) { $0 + Double($1.0.misplaced) * $1.1 } / pi.reduce(0, +) * mass
                let solved = chain.meanMisplaced()
                #expect(abs(solved - expected) <= 1e-9 * max(expected, 1e-6), "\(servers) instances at \(load): \(solved) against \(expected)")
            }
        }
    }
}
