import ClusterModel
import Foundation
import Throughput

/// A pool of machines that run both phases (Splitwise's baselines), as the simulator schedules them:
/// join-shortest-queue sends each request to the least-loaded instance, which prefills it in chunks
/// inside the iterations of its running decodes (mixed continuous batching) and then decodes it in one
/// continuous batch with the others there.
///
/// Mean-field model of that pool. With `S` instances and `A` requests in the pool on average,
/// join-shortest-queue puts an arrival beside the m requests of an emptiest instance (`JoinShortestQueue`
/// gives E[m] and the chance that no instance is idle). So the requests that arrivals stall are, per
/// arrival, E[m] on average, and a decoding request is stalled at rate r = E[m] / E[D] (stalls per second
/// of decode, by conservation: λ·E[m] stall events per second shared by the λ·E[D] decoding requests).
/// A request's stall time is compound Poisson (count ~ Poisson(r·D), sizes what the workload's prompt
/// chunks add to the iterations that carry them),
/// whose tail gives the TBT and E2E percentiles. The largest A whose percentiles all hold, divided by the
/// mean holding time (Little's law), is the pool's capacity.
public struct MixedProfile: Sendable {
    /// Requests per instance at the largest load the SLOs allow, and each class's mean holding time (E2E) then.
    public var occupancyPerInstance: Double
    public var holdingSeconds: [Double]
    /// Decode batch a request shares at that load, its step, and the mean time per output token with stalls.
    public var batch: Int
    public var decodeStepSeconds: Double
    public var timePerOutputToken: Double
    /// Instance-seconds of decode per class-k request (for utilisation reports), and KV token-seconds held.
    public var tokenWork: [Double]
    public var kvTokenSeconds: [Double]
    /// Machine-time share busy (prefill or decode) at that load.
    public var busyShareAtCapacity: Double
    let state: MixedPoolState
    private(set) var pool: MixedPoolModel

    /// The same profile for another machine of identical performance (another price of one server).
    func serving(_ option: MachineOption) -> MixedProfile {
        var copy = self
        copy.pool.profile.option = option
        return copy
    }

    /// `holdsPerInstance`: an occupancy per instance known to meet the SLOs here (a smaller pool's capacity:
    /// a larger pool carries at least as much per instance), where the search may start. `expected`: where
    /// the answer is expected (per instance, extrapolated from smaller pools) and within what relative
    /// distance; the loads that far either side of it are tried first, and the search then reads the
    /// verdicts they imply (the same answer, in fewer states).
    public init?(_ profile: ServiceProfile, classes: [WorkloadClass], slo: SLOTargets, tbtHeadroom headroom: Double = 1, servers: Int = 1,
                 holdsPerInstance known: Double? = nil, expected: (perInstance: Double, within: Double)? = nil) {
        guard profile.tokenCapable else { return nil }
        let pool = MixedPoolModel(profile: profile, classes: classes, servers: max(servers, 1))
        var verdict = MixedPoolVerdict(classes: classes, slo: slo, tbtHeadroom: headroom)
        // Occupancy grows until a percentile breaks (or memory runs out): bisection on A. The state of the
        // last load found to hold is kept: the answer is always such a load, so its state is not worked out twice.
        var held: (occupancy: Double, state: MixedPoolState)?
        // Verdicts rise with the load: a load at or above one that missed misses, one at or below one that
        // held holds (loads are worked out in rising order of those that hold), so those are read.
        var missedFrom = Double.infinity
        func misses(occupancy: Double) -> Bool {
            if occupancy >= missedFrom { return true }
            if let held, occupancy <= held.occupancy { return false }
            let state = pool.state(occupancy: occupancy)
            guard !verdict.misses(state) else {
                missedFrom = occupancy
                return true
            }
            held = (occupancy, state)
            return false
        }
        let limit = Double(pool.servers) * Double(max(profile.memoryBatch, 1))
        var low = 1e-6, high = limit, bracketed = false
        if let known, known * Double(pool.servers) < limit, !misses(occupancy: known * Double(pool.servers)) {
            // Larger pools carry a little more per instance: bracket the answer close above what is known.
            low = known * Double(pool.servers)
            if let (answer, within) = expected, answer > known, within > 0, within < 1 {
                // Just above the expected answer first, then just below: the bisection's steps outside
                // them are then read, and only the last few, between them, are worked out.
                for side in [1 + within, 1 - within] where answer * side > known {
                    _ = misses(occupancy: answer * side * Double(pool.servers))
                }
            }
            for factor in [1.02, 1.1, 1.5] where !bracketed && low * factor < limit {
                let near = low * factor
                if misses(occupancy: near) { (high, bracketed) = (near, true) } else { low = near }
            }
        } else {
            guard !misses(occupancy: 1e-6) else { return nil }
        }
        if !bracketed, low == high || !misses(occupancy: high) {
            low = high
        } else {
            for _ in 0..<60 where high - low > 1e-4 * high {
                let mid = (low + high) / 2
                if misses(occupancy: mid) { high = mid } else { low = mid }
            }
        }
        let state = if let held, held.occupancy == low { held.state } else { pool.state(occupancy: low) }
        self.state = state
        self.pool = pool
        let instances = Double(profile.option.deployment.instancesPerMachine)
        occupancyPerInstance = low / Double(pool.servers)
        holdingSeconds = state.e2eMeanSeconds
        batch = max(1, Int(state.batch.rounded()))
        decodeStepSeconds = state.stepSeconds
        let meanOutput = classes.reduce(0.0) { $0 + $1.share * Double($1.outputTokens) }
        let meanDecode = classes.indices.reduce(0.0) { $0 + classes[$1].share * (state.e2eMeanSeconds[$1] - state.ttftSeconds[$1]) }
        timePerOutputToken = meanOutput > 0 ? meanDecode / meanOutput : state.stepSeconds
        tokenWork = classes.map { Double($0.outputTokens) * state.stepSeconds / max(state.batch, 1) / instances }
        kvTokenSeconds = classes.indices.map { state.e2eMeanSeconds[$0] * Double(classes[$0].decodeContextTokens) }
        let meanHolding = classes.indices.reduce(0.0) { $0 + classes[$1].share * state.e2eMeanSeconds[$1] }
        let perInstanceRate = meanHolding > 0 ? occupancyPerInstance / meanHolding : 0
        busyShareAtCapacity = min(1, perInstanceRate * classes.indices.reduce(0.0) {
            $0 + classes[$1].share * (profile.prefillSeconds[$1] + state.decodeSeconds[$1] / max(state.batch, 1))
        })
    }

    /// The pool at a planned load (requests per instance) rather than at its capacity.
    func atOccupancy(perInstance occupancy: Double) -> MixedPoolState {
        pool.state(occupancy: occupancy * Double(pool.servers))
    }

}

/// The pool's inputs: per class prefill and decode work on this machine option, the stall sizes.
struct MixedPoolModel: Sendable {
    var profile: ServiceProfile
    var classes: [WorkloadClass]
    var servers: Int
    var meanContextTokens: Int
    /// Chunked-prefill costs by decode batch: the load search revisits the same few batches many times
    /// (shared by copies of the model).
    let chunkCosts = LockedMemo<Int, [[(seconds: Double, added: Double)]]>()

    init(profile: ServiceProfile, classes: [WorkloadClass], servers: Int) {
        self.profile = profile
        self.classes = classes
        self.servers = servers * profile.option.deployment.instancesPerMachine
        let weight = classes.reduce(0.0) { $0 + $1.share * Double($1.outputTokens) }
        let context = classes.reduce(0.0) { $0 + $1.share * Double($1.outputTokens) * Double($1.decodeContextTokens) } / max(weight, 1)
        meanContextTokens = Int(context.rounded())
    }

    /// Decode step at a fractional batch: linear between the neighbouring whole batches, so the load search is smooth.
    func step(batch: Double) -> Double {
        let low = max(1, Int(batch.rounded(.down))), high = low + 1
        let performance = profile.option.performance
        let a = performance.decodeStepSeconds(batch: low, contextTokens: meanContextTokens)
        let b = performance.decodeStepSeconds(batch: high, contextTokens: meanContextTokens)
        return a + (b - a) * max(0, batch - Double(low))
    }

    /// A prompt of `promptTokens` run in chunks of the token budget, each in an iteration beside `decodeBatch`:
    /// the iterations' total time, and what the chunks add to them (the stall the decodes see).
    func chunkedIterations(promptTokens: Int, decodeBatch: DecodeBatch) -> (seconds: Double, added: Double) {
        let performance = profile.option.performance
        let decodeAlone = performance.decodeStepSeconds(decodeBatch)
        var seconds = 0.0, added = 0.0, prior = 0
        while prior < promptTokens {
            var chunk = PrefillBatch.empty
            let tokens = min(profile.promptTokenBudget, promptTokens - prior)
            chunk.addChunk(tokens: tokens, priorTokens: prior)
            let iteration = performance.mixedStepSeconds(prefill: chunk, decode: decodeBatch)
            added += max(0, iteration - decodeAlone)
            seconds += iteration
            prior += tokens
        }
        return (seconds, added)
    }

    /// Every class's prompt points, chunked beside a decode batch of `decodeBatch` requests.
    func chunkedIterations(classes: [WorkloadClass], decodeBatch: Int) -> [[(seconds: Double, added: Double)]] {
        let batch = DecodeBatch(batch: decodeBatch, contextTokens: meanContextTokens)
        return classes.map { $0.promptPoints.map { chunkedIterations(promptTokens: $0, decodeBatch: batch) } }
    }

    func state(occupancy: Double) -> MixedPoolState {
        let (others, busy) = JoinShortestQueue.arrivalView(heldMean: occupancy, instances: servers)
        let batch = min(1 + others, Double(max(profile.memoryBatch, 1)))
        let step = step(batch: batch)
        let decode = classes.map { Double(max($0.outputTokens - 1, 0)) * step }
        let meanDecode = classes.indices.reduce(0.0) { $0 + classes[$1].share * decode[$1] }
        // Mixed continuous batching: a prompt runs in chunks of the token budget, each inside an iteration
        // with the running decodes. What a chunk adds to that iteration is the stall the decodes see; the
        // iterations carrying the prompt's chunks make its TTFT.
        let wholeBatch = max(1, Int(batch.rounded()))
        let pointIterations = chunkCosts.value(for: wholeBatch) { chunkedIterations(classes: classes, decodeBatch: wholeBatch) }
        let chunkedPrefill = pointIterations.map { $0.map(\.seconds) }
        // The stalls a decode sees, by class: what each class's mean prompt adds to the iterations that carry it.
        let decodeBatch = DecodeBatch(batch: wholeBatch, contextTokens: meanContextTokens)
        let stallSizes = classes.map { chunkedIterations(promptTokens: $0.promptTokens, decodeBatch: decodeBatch).added }
        let stallWeights = classes.map(\.share)
        let stalls = StallDistribution(sizes: stallSizes, weights: stallWeights)
        // Join-shortest-queue on pending tokens (the prompt tokens not yet prefilled, one more per request
        // held, as the simulator and Splitwise's own simulator route) sends an arrival to an instance with
        // no prefill ahead of it whenever there is one. So the E[m] requests beside it are all decoding:
        // λ·E[m] stalls a second over the λ·E[D] requests decoding, E[m] / E[D] per second of decode
        // (Little's law: A requests held for a prefill and a decode arrive at A / held per instance).
        let meanPrefill = classes.indices.reduce(0.0) { total, k in
            total + classes[k].share * chunkedPrefill[k].reduce(0, +) / Double(max(chunkedPrefill[k].count, 1))
        }
        let held = meanDecode + meanPrefill
        let perInstance = occupancy / Double(max(servers, 1))
        let rate = meanDecode > 0 ? others / meanDecode : 0
        let arrivals = held > 0 ? perInstance / held : 0
        // For the same reason an arrival meets another prompt's chunks only when every instance is
        // prefilling, and then any prompt's.
        var chunkSizes: [Double] = [], chunkWeights: [Double] = []
        for (k, points) in pointIterations.enumerated() {
            for point in points {
                chunkSizes.append(point.added)
                chunkWeights.append(classes[k].share / Double(points.count))
            }
        }
        let (binnedSizes, binnedWeights) = IterationResidual.binned(sizes: chunkSizes, weights: chunkWeights, bins: 12)
        let residual = IterationResidual(step: step, stallSizes: binnedSizes, stallWeights: binnedWeights, chunkIterationsPerSecond: arrivals,
                                         servers: servers)
        // Alone, a prompt is prefilled by itself; beside running decodes, in mixed iterations after the
        // iteration in progress.
        let ttft = classes.indices.map { k in
            let points = Double(chunkedPrefill[k].count)
            return (1 - busy) * profile.prefillSeconds[k] + busy * (chunkedPrefill[k].reduce(0, +) / points + residual.meanSeconds)
        }
        let e2e = classes.indices.map { ttft[$0] + decode[$0] + rate * decode[$0] * stalls.meanSeconds }
        return MixedPoolState(batch: batch, stepSeconds: step, decodeSeconds: decode, stallRatePerSecond: rate, stalls: stalls,
                              ttftSeconds: ttft, e2eMeanSeconds: e2e, busy: busy, prefillAloneSeconds: profile.prefillPointSeconds,
                              chunkedPrefillSeconds: chunkedPrefill, residual: residual)
    }
}

/// The pool at one load: what a class-k request sees.
struct MixedPoolState: Sendable {
    var batch: Double
    var stepSeconds: Double
    var decodeSeconds: [Double]
    var stallRatePerSecond: Double
    var stalls: StallDistribution
    var ttftSeconds: [Double]
    var e2eMeanSeconds: [Double]
    var busy: Double
    /// Per class and prompt point.
    var prefillAloneSeconds: [[Double]]
    var chunkedPrefillSeconds: [[Double]]
    var residual: IterationResidual

    /// TTFT exceeds `seconds`: alone, when the prefill does; beside decodes, when the wait for the
    /// iteration in progress exceeds what the chunked prefill leaves.
    func ttftExceeds(_ seconds: Double, classIndex k: Int, point j: Int) -> Double {
        (1 - busy) * (prefillAloneSeconds[k][j] > seconds ? 1 : 0) + busy * residual.exceeds(seconds - chunkedPrefillSeconds[k][j])
    }

    /// At least the mean of `ttftExceeds` over class k's first `points` prompt points, at point targets
    /// `seconds(j)`: alone, whether any point's prefill passes its target; beside decodes, the wait's tail at
    /// the least slack (the tail falls as the slack grows). One tail instead of one a point.
    func ttftBound(classIndex k: Int, points: Int, seconds: (Int) -> Double) -> Double {
        var alone = false, slack = Double.infinity
        for j in 0..<points {
            let target = seconds(j), left = target - chunkedPrefillSeconds[k][j]
            guard !left.isNaN else { return 1 }
            if prefillAloneSeconds[k][j] > target { alone = true }
            slack = min(slack, left)
        }
        return (1 - busy) * (alone ? 1 : 0) + busy * residual.exceeds(slack)
    }

    /// TBT = (decode + stalls) / output tokens exceeds `seconds` when the stalls exceed the slack.
    /// `bounded`: an upper bound on that probability instead (`StallDistribution.exceedsBound`).
    func tbtExceeds(_ seconds: Double, classIndex k: Int, outputTokens: Int, bounded: Bool = false) -> Double {
        stallsExceed(seconds * Double(max(outputTokens, 1)) - decodeSeconds[k], meanCount: stallRatePerSecond * decodeSeconds[k], bounded: bounded)
    }

    func e2eExceeds(_ seconds: Double, classIndex k: Int, bounded: Bool = false) -> Double {
        stallsExceed(seconds - ttftSeconds[k] - decodeSeconds[k], meanCount: stallRatePerSecond * decodeSeconds[k], bounded: bounded)
    }

    private func stallsExceed(_ slack: Double, meanCount: Double, bounded: Bool) -> Double {
        bounded ? stalls.exceedsBound(slack, meanCount: meanCount) : stalls.exceeds(slack, meanCount: meanCount)
    }
}
