import Foundation

/// Prefill stalls: sizes (seconds) with weights; the tail of a compound Poisson sum by Panjer's recursion
/// on a lattice of `latticeSeconds` (sizes rounded up, so the tail errs on the safe side).
struct StallDistribution: Sendable {
    var sizes: [Double]
    var weights: [Double]
    var meanSeconds: Double
    static let latticeSteps = 200

    /// The stalls that take time: their share of all, and their mean and mean square over all (for `exceedsBound`).
    var timedShare: Double
    var timedMeanSeconds: Double
    var timedMeanSquareSeconds: Double

    init(sizes: [Double], weights: [Double]) {
        let total = max(weights.reduce(0, +), 1e-300)
        self.sizes = sizes
        self.weights = weights.map { $0 / total }
        meanSeconds = zip(sizes, self.weights).reduce(0) { $0 + $1.0 * $1.1 }
        let timed = zip(sizes, self.weights).filter { $0.0 > 0 && $0.1 > 0 }
        timedShare = timed.reduce(0) { $0 + $1.1 }
        timedMeanSeconds = timed.reduce(0) { $0 + $1.0 * $1.1 }
        timedMeanSquareSeconds = timed.reduce(0) { $0 + $1.0 * $1.0 * $1.1 }
    }

    /// At least what `exceeds` gives, on the same lattice (each stall rounded up to its cell, as `exceeds`
    /// rounds it, so a cell count is at most size / unit + 1): the lesser of Markov's inequality,
    /// P(S > slack) ≤ E[S] / slack, and Cantelli's, P(S − E[S] ≥ t) ≤ Var / (Var + t²), with the lattice's
    /// mean and variance bounded above (a compound Poisson's variance is the mean count times E[X²]). A few
    /// multiplications, where `exceeds` runs a recursion over 200 cells.
    func exceedsBound(_ slack: Double, meanCount: Double) -> Double {
        guard slack >= 0 else { return 1 }
        guard meanCount > 1e-12 else { return 0 }
        guard slack > 0 else { return 1 }
        let unit = slack / Double(Self.latticeSteps)
        let mean = meanCount * (timedMeanSeconds + timedShare * unit)
        let markov = min(1, mean / slack)
        guard slack > mean else { return markov }
        let variance = meanCount * (timedMeanSquareSeconds + 2 * unit * timedMeanSeconds + unit * unit * timedShare)
        let margin = slack - mean
        return min(markov, variance / (variance + margin * margin))
    }

    /// P(Σ stalls > slack) for a Poisson(meanCount) number of stalls.
    func exceeds(_ slack: Double, meanCount: Double) -> Double {
        guard slack >= 0 else { return 1 }
        guard meanCount > 1e-12 else { return 0 }
        let unit = slack / Double(Self.latticeSteps)
        guard unit > 0 else { return 1 - exp(-meanCount) }
        // This runs for every class, prompt point, target and load the search tries: one scratch buffer per
        // call instead of three arrays.
        let steps = Self.latticeSteps
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * steps + 3) { scratch in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: max(sizes.count, 1)) { occupied in
                // Severity on the lattice: sizes beyond the slack land on one cell past it (they alone exceed it).
                let byCell = UnsafeMutableBufferPointer(rebasing: scratch[0..<(steps + 2)])
                let mass = UnsafeMutableBufferPointer(rebasing: scratch[(steps + 2)...])
                byCell.initialize(repeating: 0)
                var count = 0, noTime = 0.0
                for (size, weight) in zip(sizes, weights) where weight > 0 {
                    let cells = (size / unit).rounded(.up)
                    // A stall of no time adds nothing to any sum; it only enters P(no stall time) below.
                    guard cells >= 1 else { noTime += weight; continue }
                    let cell = cells.isFinite && cells <= Double(steps) ? Int(cells) : steps + 1
                    if byCell[cell] == 0, cell <= steps {
                        // The occupied cells within the lattice, kept in order (a handful: one per class).
                        var at = count
                        while at > 0, occupied[at - 1] > cell { occupied[at] = occupied[at - 1]; at -= 1 }
                        occupied[at] = cell
                        count += 1
                    }
                    byCell[cell] += weight
                }
                // Panjer's start for a Poisson count: P(total 0) = exp(−mean · P(a stall takes time)).
                mass[0] = exp(-meanCount * max(1 - noTime, 0))
                var within = mass[0]
                // Each occupied cell's factor j · f(j), once (the recursion's every step reads them all).
                return withUnsafeTemporaryAllocation(of: Double.self, capacity: max(count, 1)) { factor in
                    for index in 0..<count { factor[index] = Double(occupied[index]) * byCell[occupied[index]] }
                    // Panjer's recursion for the compound Poisson: only the occupied cells ≤ x contribute, in
                    // increasing order (the sums are the same, term by term, as summing over all cells).
                    var active = 0
                    for x in 1...steps {
                        while active < count, occupied[active] <= x { active += 1 }
                        var sum = 0.0
                        for index in 0..<active { sum += factor[index] * mass[x - occupied[index]] }
                        mass[x] = meanCount / Double(x) * sum
                        within += mass[x]
                    }
                    return min(max(1 - within, 0), 1)
                }
            }
        }
    }
}

/// What delays a new prompt's first token on a busy instance, beyond its own chunks: the rest of the
/// iteration in progress, then the other prompts' chunks that run in its own iteration (chunked prefill
/// serves prompts FCFS, and the prompts that arrived during one iteration start in the next together).
///
/// Iterations are a decode step long, or longer by a prompt chunk's stall; an arrival lands in one with
/// probability proportional to its length (the inspection paradox) and waits a uniform share of it. Its
/// own first iteration carries another prompt's chunk with the probability that time is spent in chunk
/// iterations (arrivals see time averages), that chunk's stall drawn length-biased alike.
struct IterationResidual: Sendable {
    /// (iteration length, probability that an arrival lands in such an iteration).
    var lengths: [(seconds: Double, probability: Double)]
    /// (stall of the chunks sharing the arrival's first iteration, probability); 0 when none.
    var shared: [(seconds: Double, probability: Double)]
    /// Whether the lengths ascend (binned stalls do), and their probabilities summed in order.
    let lengthsAscend: Bool
    let lengthsProbability: Double

    /// `stallWeights`: the share of all arrivals whose prompt adds `stallSizes` (they need not sum to 1).
    /// `servers`: the instances an arrival chooses among by pending prompt tokens (join-shortest-queue):
    /// it meets a chunk only when every one of them is prefilling.
    init(step: Double, stallSizes: [Double], stallWeights: [Double], chunkIterationsPerSecond rate: Double, servers: Int = 1) {
        // Share of time an instance spends in iterations that carry a chunk: rate × their mean length.
        let chunked = zip(stallSizes, stallWeights).map { (stall: $0.0, weight: $0.1) }
        let meanChunked = chunked.reduce(0) { $0 + $1.weight * (step + $1.stall) }
        let busyShare = min(1, rate * meanChunked)
        // All prefilling at once: the chance that an arrival waits in an M/G/S queue of chunk work.
        let chunkedShare = busyShare >= 1 ? 1 : Queueing.erlangC(servers: max(servers, 1), offeredLoad: Double(max(servers, 1)) * busyShare)
        let biased = chunked.map { (stall: $0.stall, probability: meanChunked > 0 ? chunkedShare * $0.weight * (step + $0.stall) / meanChunked : 0) }
        lengths = [(step, 1 - chunkedShare)] + biased.map { (step + $0.stall, $0.probability) }
        shared = [(0, 1 - chunkedShare)] + biased.map { ($0.stall, $0.probability) }
        lengthsAscend = zip(lengths, lengths.dropFirst()).allSatisfy { $0.seconds <= $1.seconds }
        var total = 0.0
        for length in lengths { total += length.probability }
        lengthsProbability = total
    }

    var meanSeconds: Double {
        lengths.reduce(0) { $0 + $1.probability * $1.seconds / 2 } + shared.reduce(0) { $0 + $1.probability * $1.seconds }
    }

    /// Sizes merged into `bins` groups of about equal weight (each its weighted mean; the largest size
    /// keeps a bin of its own, so the tail is not averaged away): the wait's double sum stays small.
    static func binned(sizes: [Double], weights: [Double], bins: Int) -> (sizes: [Double], weights: [Double]) {
        guard sizes.count > bins, bins > 1 else { return (sizes, weights) }
        let order = sizes.indices.sorted { sizes[$0] < sizes[$1] }
        let total = weights.reduce(0, +)
        guard total > 0, let largest = order.last else { return (sizes, weights) }
        var outSizes: [Double] = [], outWeights: [Double] = []
        var weight = 0.0, weighted = 0.0
        for index in order.dropLast() {
            weight += weights[index]
            weighted += weights[index] * sizes[index]
            if weight >= (total - weights[largest]) / Double(bins - 1) {
                outSizes.append(weighted / weight)
                outWeights.append(weight)
                weight = 0
                weighted = 0
            }
        }
        if weight > 0 {
            outSizes.append(weighted / weight)
            outWeights.append(weight)
        }
        outSizes.append(sizes[largest])
        outWeights.append(weights[largest])
        return (outSizes, outWeights)
    }

    /// P(wait for the iteration in progress + shared chunks > seconds).
    /// Every TTFT target asks this for every class, prompt point and load tried, so the iterations no
    /// longer than what is left are skipped: they add exactly nothing, and the others are summed in order
    /// (when the lengths ascend, they are the ones after the first that is longer than what is left).
    func exceeds(_ seconds: Double) -> Double {
        var total = 0.0
        for chunk in shared {
            let left = seconds - chunk.seconds
            var sum = 0.0
            if left >= 0 {
                var first = 0
                if lengthsAscend {
                    var end = lengths.count
                    while first < end {
                        let middle = (first + end) / 2
                        if lengths[middle].seconds > left { end = middle } else { first = middle + 1 }
                    }
                }
                for length in lengths[first...] where length.seconds > left {
                    sum += length.probability * min(1, max(0, 1 - left / length.seconds))
                }
            } else {
                sum = lengthsProbability
            }
            total += chunk.probability * sum
        }
        return total
    }
}
