import ClusterModel

/// A prefill batch: the prompts processed together in one forward pass.
public struct PrefillBatch: Sendable, Equatable {
    public var sequences: Int
    public var totalTokens: Int
    /// Σ prompt² over the batch: causal attention work grows with each prompt's square.
    public var sumSquaredTokens: Double

    public init(prompts: [Int]) {
        sequences = prompts.count
        totalTokens = prompts.reduce(0, +)
        sumSquaredTokens = prompts.reduce(0) { $0 + Double($1) * Double($1) }
    }

    public init(promptTokens: Int, batch: Int) {
        sequences = batch
        totalTokens = promptTokens * batch
        sumSquaredTokens = Double(batch) * Double(promptTokens) * Double(promptTokens)
    }
}

/// A decode step: one new token for each running sequence, attending over its context.
public struct DecodeBatch: Sendable, Equatable {
    public var sequences: Int
    public var totalContextTokens: Int

    public init(sequences: Int, totalContextTokens: Int) {
        self.sequences = sequences
        self.totalContextTokens = totalContextTokens
    }

    public init(batch: Int, contextTokens: Int) {
        self.init(sequences: batch, totalContextTokens: batch * contextTokens)
    }
}

/// Work of one transformer layer for a whole step, summed over all GPUs of the instance.
public struct LayerCost: Sendable, Equatable {
    public var flops: Double
    /// Bytes moved to or from HBM: weights read once per step, KV read or written.
    public var memoryBytes: Double
    /// Bytes of one tensor-parallel all-reduce (two per layer: after attention and after the MLP).
    public var allReduceBytes: Double
}

extension ModelSpec {
    public var kvBytesPerTokenPerLayer: Double { kvBytesPerToken / Double(layers) }

    /// Prefill: 2 FLOPs per weight per token, plus causal attention (QKᵀ and AV over half the S×S matrix:
    /// 2·S²·queryHeads·headDim per sequence); weights read once; every token's K and V written.
    public func prefillLayerCost(_ batch: PrefillBatch) -> LayerCost {
        let tokens = Double(batch.totalTokens)
        let attention = 2 * batch.sumSquaredTokens * Double(queryHeads * headDim)
        return LayerCost(
            flops: 2 * parametersPerLayer * tokens + attention,
            memoryBytes: parametersPerLayer * bytesPerWeight + tokens * kvBytesPerTokenPerLayer,
            allReduceBytes: tokens * Double(hiddenSize) * bytesPerWeight)
    }

    /// Decode: 2 FLOPs per weight per sequence, plus attention of one query over each context
    /// (4·context·queryHeads·headDim); weights and every context's K and V read once.
    public func decodeLayerCost(_ batch: DecodeBatch) -> LayerCost {
        let sequences = Double(batch.sequences), context = Double(batch.totalContextTokens)
        return LayerCost(
            flops: 2 * parametersPerLayer * sequences + 4 * context * Double(queryHeads * headDim),
            memoryBytes: parametersPerLayer * bytesPerWeight + context * kvBytesPerTokenPerLayer,
            allReduceBytes: sequences * Double(hiddenSize) * bytesPerWeight)
    }

    /// The output head, run for the last position of each sequence only.
    public func headCost(sequences: Int) -> LayerCost {
        let weights = Double(vocabSize) * Double(hiddenSize)
        return LayerCost(flops: 2 * weights * Double(sequences), memoryBytes: weights * bytesPerWeight, allReduceBytes: 0)
    }
}
