import ClusterModel
import Throughput

/// One machine type at one power cap, as the formulation sees it.
public struct MachineOption: Sendable {
    public var machine: MachineSpec
    public var powerCap: PowerCap
    public var performance: RooflineModel

    public var deployment: Deployment { performance.deployment }
    public var label: String { powerCap.fraction == 1 ? machine.id.rawValue : "\(machine.id)@\(powerCap.label)" }
    public var pricePerHourUSD: Double { machine.pricePerHourUSD }
    public var provisionedKW: Double { PowerModel(deployment).provisionedKW }
}

/// What one machine option does for each workload class, in each role, with the caps the SLOs allow.
public struct ServiceProfile: Sendable {
    /// Splitwise batches at most this many prompt tokens per prefill (the scenario's
    /// `scheduler.promptTokenBudget` by default).
    public static let defaultPromptTokenBudget = 2048
    /// Most prompt tokens in one prefill batch or mixed iteration, as the simulator schedules them.
    public var promptTokenBudget: Int
    /// Share of a machine's network bandwidth that KV-cache transfers may use.
    public static let networkUtilisation = 0.9
    /// Utilisation cap of pools without latency SLOs.
    public static let defaultUtilisation = 0.9
    /// Probability that a request finds a token machine's KV memory full (and waits or preempts).
    public static let memoryWaitProbability = 0.01

    public var option: MachineOption
    /// Machine-seconds of prompt work per class-k request (prompts batched up to the token budget).
    public var promptWork: [Double]
    /// Prefill of one class-k prompt alone.
    public var prefillSeconds: [Double]
    /// Per class, the prefill alone at each of its prompt points.
    public var prefillPointSeconds: [[Double]]
    /// Token role: the decode batch the TBT SLO and KV memory allow, its step time, and the caps.
    public var tokenBatch: Int
    /// The largest decode batch whose KV cache fits at the workload's mean context.
    public var memoryBatch: Int
    public var tokenStepSeconds: Double
    public var tokenWork: [Double]
    /// KV token-seconds a class-k request holds while decoding (Little's law: Σ rate × this ≤ capacity).
    public var kvTokenSeconds: [Double]
    public var kvCapacityTokens: Double
    /// Cap on KV memory held, as a share of `kvCapacityTokens`: the largest at which a request finds the
    /// memory of `memoryBatch` requests full with probability at most `memoryWaitProbability` (Erlang C).
    public var kvUtilisation: Double
    public var kvBytesPerToken: Double
    public var networkBytesPerSecond: Double

    /// False when no decode batch meets the TBT SLO or fits in memory: the machine may only run prompts.
    public var tokenCapable: Bool { tokenBatch > 0 }

    /// Cap on decode work: the mean batch as a share of `tokenBatch`. Continuous batching admits every
    /// request whose KV cache fits, so decode slots do not queue: the mean batch may reach the batch at
    /// which the TBT targets hold (1), and memory is what admission waits for (`kvUtilisation`).
    public var tokenUtilisation: Double { tokenCapable ? 1 : 0 }

    /// `tbtHeadroom` ≤ 1 scales the TBT targets the decode batch must meet, leaving E2E room for queueing.
    public init(option: MachineOption, classes: [WorkloadClass], slo: SLOTargets, tbtHeadroom: Double = 1,
                promptTokenBudget: Int = ServiceProfile.defaultPromptTokenBudget) {
        let performance = option.performance
        self.promptTokenBudget = max(promptTokenBudget, 1)
        let instances = Double(option.deployment.instancesPerMachine)
        let memory = MemoryModel(option.deployment)
        self.option = option
        prefillSeconds = classes.map { performance.prefillSeconds(promptTokens: $0.promptTokens) }
        prefillPointSeconds = classes.map { $0.promptPoints.map { performance.prefillSeconds(promptTokens: $0) } }
        promptWork = classes.map { workload in
            let batch = max(1, promptTokenBudget / workload.promptTokens)
            return performance.prefillSeconds(promptTokens: workload.promptTokens, batch: batch) / Double(batch) / instances
        }
        let meanContext = classes.reduce(0.0) { $0 + $1.share * Double($1.outputTokens) * Double($1.decodeContextTokens) }
            / max(classes.reduce(0.0) { $0 + $1.share * Double($1.outputTokens) }, 1)
        let memoryBatch = memory.maxBatch(contextTokens: Int(meanContext.rounded(.up)))
        self.memoryBatch = memoryBatch
        let tbtTargets = slo.of(.tbt)
        func meets(_ batch: Int) -> Bool {
            let step = performance.decodeStepSeconds(batch: batch, contextTokens: Int(meanContext))
            return SLOTargets.violation(tbtTargets, classes: classes) { step > tbtHeadroom * $1 ? 1 : 0 } <= 0
        }
        kvBytesPerToken = option.deployment.model.kvBytesPerToken
        networkBytesPerSecond = option.machine.infinibandBytesPerSecondPerMachine * Self.networkUtilisation
        kvCapacityTokens = Double(memory.kvCapacityTokens) * instances
        guard memoryBatch >= 1, meets(1) else {
            (tokenBatch, tokenStepSeconds, tokenWork, kvTokenSeconds, kvUtilisation) = (0, .infinity, [], [], 0)
            return
        }
        var low = 1, high = memoryBatch
        while low < high {
            let mid = (low + high + 1) / 2
            if meets(mid) { low = mid } else { high = mid - 1 }
        }
        tokenBatch = low
        let step = performance.decodeStepSeconds(batch: low, contextTokens: Int(meanContext))
        tokenStepSeconds = step
        tokenWork = classes.map { Double($0.outputTokens) * step / Double(low) / instances }
        kvTokenSeconds = classes.map { Double($0.outputTokens) * step * Double($0.decodeContextTokens) }
        kvUtilisation = Queueing.slotUtilisation(servers: memoryBatch * Int(instances), waitProbability: Self.memoryWaitProbability)
    }
}
