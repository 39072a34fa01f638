import ClusterModel

/// How much KV cache an instance holds, and so how many sequences it can decode at once.
public struct MemoryModel: Sendable {
    public let deployment: Deployment

    public init(_ deployment: Deployment) { self.deployment = deployment }

    /// vLLM's default `gpu_memory_utilization`: the share of HBM it allots to weights, activations and KV.
    public static let usableMemoryFraction = 0.9
    /// The prefill token budget activations are reserved for (Splitwise batches at most 2048 prompt tokens).
    public static let activationTokens = 2048.0

    public var usableBytes: Double {
        Double(deployment.tensorParallel) * deployment.gpu.memoryBytes * Self.usableMemoryFraction
    }

    /// Peak activations of a prefill of `activationTokens`: the residual stream, Q/K/V/O and the MLP's
    /// intermediate (split over TP), in the weights' precision, on each GPU.
    public var activationBytes: Double {
        let model = deployment.model
        let perToken = 4 * Double(model.hiddenSize)
            + Double(model.ffnMatrices) * Double(model.ffnSize) / Double(deployment.tensorParallel)
        return Double(deployment.tensorParallel) * Self.activationTokens * perToken * model.bytesPerWeight
    }

    public var kvCapacityBytes: Double {
        max(usableBytes - deployment.model.weightBytes - activationBytes, 0)
    }

    /// KV bytes one token occupies across the instance. When TP exceeds the KV heads, heads are
    /// replicated on each GPU that needs them, so the cache costs more than the model's KV bytes.
    public var kvBytesPerTokenStored: Double {
        let model = deployment.model, degree = deployment.tensorParallel
        let headsPerGPU = (model.kvHeads + degree - 1) / degree
        return model.kvBytesPerToken * Double(headsPerGPU * degree) / Double(model.kvHeads)
    }

    /// Whole tokens, at most 2⁵³ (an absurd catalogue must not overflow the conversion).
    public var kvCapacityTokens: Int {
        let tokens = (kvCapacityBytes / kvBytesPerTokenStored).rounded(.down)
        return tokens.isNaN ? 0 : Int(min(max(tokens, 0), 9_007_199_254_740_992))
    }

    /// Largest number of sequences whose contexts of `contextTokens` fit in the KV cache together.
    public func maxBatch(contextTokens: Int) -> Int {
        kvCapacityTokens / max(contextTokens, 1)
    }
}
