import ClusterModel
import Throughput

/// A machine that runs both phases (Splitwise's baselines): prompts take priority, so decode steps
/// stretch by 1 / (1 − u) where u is the share of time spent on prefill. The profile picks the u and
/// decode batch that let one machine sustain the most requests while TTFT, TBT and E2E SLOs hold.
public struct MixedProfile: Sendable {
    public var promptShare: Double
    public var batch: Int
    public var timePerOutputToken: Double
    public var tokenWork: [Double]
    public var kvTokenSeconds: [Double]
    /// Decode step without stalls, and the mean prefill that stalls it.
    public var decodeStepSeconds: Double
    public var meanPrefillSeconds: Double

    public init?(_ profile: ServiceProfile, classes: [WorkloadClass], slo: SLOTargets, tbtHeadroom headroom: Double = 1, servers: Int = 1) {
        guard profile.tokenCapable else { return nil }
        let performance = profile.option.performance
        let instances = Double(profile.option.deployment.instancesPerMachine)
        let context = classes.reduce(0.0) { $0 + $1.share * Double($1.decodeContextTokens) }
        let meanPrompt = classes.indices.reduce(0.0) { $0 + classes[$1].share * profile.promptWork[$1] }
        let meanOutput = classes.reduce(0.0) { $0 + $1.share * Double($1.outputTokens) }
        let meanPrefill = classes.indices.reduce(0.0) { $0 + classes[$1].share * profile.prefillSeconds[$1] }
        var best: (rate: Double, share: Double, batch: Int, tpot: Double)?
        for step in 1...18 {
            let share = Double(step) * 0.05
            func tpot(_ batch: Int) -> Double { performance.decodeStepSeconds(batch: batch, contextTokens: Int(context)) / (1 - share) }
            // Prefills interrupt decoding: during a class-k request's decode, stalls of about S̄ arrive as a
            // Poisson process at rate u / S̄, so its TBT exceeds a target when the stalls outnumber the slack.
            let step = { (batch: Int) in performance.decodeStepSeconds(batch: batch, contextTokens: Int(context)) }
            func meets(_ batch: Int) -> Bool {
                SLOTargets.violation(slo.of(.tbt), classes: classes) { k, target in
                    Self.tbtExceeds(headroom * target, outputTokens: classes[k].outputTokens, step: step(batch),
                                    promptShare: share, meanPrefill: meanPrefill)
                } <= 0
            }
            guard meets(1) else { continue }
            var low = 1, high = max(profile.tokenBatch, 1)
            while low < high {
                let mid = (low + high + 1) / 2
                if meets(mid) { low = mid } else { high = mid - 1 }
            }
            guard let cap = profile.promptUtilisation(classes: classes, slo: slo, timePerOutputToken: tpot(low), servers: servers), cap >= share else { continue }
            let decodeWork = meanOutput * tpot(low) * (1 - share) / Double(low) / instances
            let rate = min(share / meanPrompt, profile.tokenUtilisation / (meanPrompt + decodeWork))
            if best == nil || rate > best?.rate ?? 0 { best = (rate, share, low, tpot(low)) }
        }
        guard let best else { return nil }
        promptShare = best.share
        batch = best.batch
        timePerOutputToken = best.tpot
        let decodeStep = best.tpot * (1 - best.share)
        decodeStepSeconds = decodeStep
        meanPrefillSeconds = meanPrefill
        tokenWork = classes.map { Double($0.outputTokens) * decodeStep / Double(best.batch) / instances }
        kvTokenSeconds = classes.map { Double($0.outputTokens) * best.tpot * Double($0.decodeContextTokens) }
    }

    /// P(TBT > seconds) for a request of `outputTokens`: its decode of o · step is interrupted by prefills of
    /// about `meanPrefill` arriving as a Poisson process at rate share / meanPrefill.
    static func tbtExceeds(_ seconds: Double, outputTokens: Int, step: Double, promptShare: Double, meanPrefill: Double) -> Double {
        let output = Double(outputTokens)
        let slack = (seconds - step) * output
        guard slack >= 0 else { return 1 }
        let decode = output * step / (1 - promptShare)
        return Queueing.poissonExceeds(Int((slack / meanPrefill).rounded(.down)), mean: promptShare / meanPrefill * decode)
    }

    public func tbtExceeds(_ seconds: Double, outputTokens: Int) -> Double {
        Self.tbtExceeds(seconds, outputTokens: outputTokens, step: decodeStepSeconds, promptShare: promptShare, meanPrefill: meanPrefillSeconds)
    }
}
