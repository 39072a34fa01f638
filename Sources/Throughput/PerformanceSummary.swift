import ClusterModel

/// The figures `splitplan perf` reports for one deployment at one operating point.
public struct PerformanceSummary: Sendable, Codable, Equatable {
    public struct PowerFigures: Sendable, Codable, Equatable {
        public var prompt: Double
        public var token: Double
        public var idle: Double
        public var provisioned: Double
    }

    public var model: String
    public var machine: String
    public var tensorParallel: Int
    public var instancesPerMachine: Int
    public var powerCap: Double
    public var promptTokens: Int
    public var batch: Int
    public var contextTokens: Int
    /// Prefill of `batch` prompts of `promptTokens` each, batched together, on one instance.
    public var prefillSeconds: Double
    /// One decode step of `batch` sequences at `contextTokens` each, on one instance.
    public var decodeStepSeconds: Double
    /// Per machine: all instances busy with such steps.
    public var prefillTokensPerSecond: Double
    public var decodeTokensPerSecond: Double
    /// Largest batch of `contextTokens`-long sequences the KV cache of one instance holds.
    public var maxBatch: Int
    public var kvBytesPerToken: Double
    public var kvCapacityTokens: Int
    /// Machine power in kW with every GPU in the prompt phase, the token phase, idle; and as provisioned.
    public var powerKW: PowerFigures
    /// Moving one prompt's KV cache to a token machine of the same type: all of it, and what overlap leaves visible.
    public var kvTransferSeconds: Double
    public var kvTransferVisibleSeconds: Double

    public init(model performance: any PerformanceModel, promptTokens: Int, batch: Int, contextTokens: Int) {
        let deployment = performance.deployment
        let memory = MemoryModel(deployment), power = PowerModel(deployment)
        let transfer = KVTransfer(model: deployment.model, from: deployment.machine, to: deployment.machine)
        let instances = Double(deployment.instancesPerMachine)
        model = deployment.model.id.rawValue
        machine = deployment.machine.id.rawValue
        tensorParallel = deployment.tensorParallel
        instancesPerMachine = deployment.instancesPerMachine
        powerCap = deployment.powerCap.fraction
        self.promptTokens = promptTokens
        self.batch = batch
        self.contextTokens = contextTokens
        prefillSeconds = performance.prefillSeconds(promptTokens: promptTokens, batch: batch)
        decodeStepSeconds = performance.decodeStepSeconds(batch: batch, contextTokens: contextTokens)
        prefillTokensPerSecond = instances * Double(promptTokens * batch) / prefillSeconds
        decodeTokensPerSecond = instances * Double(batch) / decodeStepSeconds
        maxBatch = memory.maxBatch(contextTokens: contextTokens)
        kvBytesPerToken = deployment.model.kvBytesPerToken
        kvCapacityTokens = memory.kvCapacityTokens
        powerKW = PowerFigures(prompt: power.promptKW, token: power.tokenKW, idle: power.idleKW, provisioned: power.provisionedKW)
        let singlePrefill = performance.prefillSeconds(promptTokens: promptTokens, batch: 1)
        kvTransferSeconds = transfer.totalSeconds(promptTokens: promptTokens)
        kvTransferVisibleSeconds = transfer.visibleSeconds(promptTokens: promptTokens, prefillSeconds: singlePrefill)
    }
}
