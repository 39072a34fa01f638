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
