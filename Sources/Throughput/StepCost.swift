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

    public init(sequences: Int, totalTokens: Int, sumSquaredTokens: Double) {
        self.sequences = sequences
        self.totalTokens = totalTokens
        self.sumSquaredTokens = sumSquaredTokens
    }

    /// Nothing to prefill.
    public static let empty = PrefillBatch(sequences: 0, totalTokens: 0, sumSquaredTokens: 0)

    /// Adds a chunk of `tokens` prompt tokens whose first `priorTokens` are already in the KV cache
    /// (chunked prefill). Its causal attention covers (prior + tokens)² − prior² of the S×S half-matrix
    /// terms, so the chunks of one prompt add up to the whole prompt's attention work.
    public mutating func addChunk(tokens: Int, priorTokens: Int) {
        let end = Double(priorTokens + tokens), prior = Double(priorTokens)
        sequences += 1
        totalTokens += tokens
        sumSquaredTokens += end * end - prior * prior
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

/// One weight matrix multiplied by the batch's activations: `inputs × outputs` weights, unsharded.
/// Tensor parallelism splits it evenly over the GPUs (by columns or by rows), so each GPU does 1/TP of it.
public struct GEMMShape: Sendable, Equatable, Hashable {
    public var inputs: Int
    public var outputs: Int

    public init(inputs: Int, outputs: Int) {
        self.inputs = inputs
        self.outputs = outputs
    }

    public var weights: Double { Double(inputs) * Double(outputs) }
}

/// Work of one transformer layer for a whole step, summed over all GPUs of the instance.
/// The GEMMs are costed one by one (each is its own kernel, with its own roofline); attention and the
/// all-reduces are separate kernels and add to them.
public struct LayerCost: Sendable, Equatable {
    /// Rows M of every GEMM of the layer: all prompt tokens in prefill, one per sequence in decode.
    public var gemmTokens: Double
    /// Attention FLOPs: causal QKᵀ and AV in prefill, one query over each context in decode.
    public var attentionFLOPs: Double
    /// KV-cache bytes attention writes (prefill) or reads (decode; as often as the kernel reads them).
    public var kvBytes: Double
    /// Bytes of one tensor-parallel all-reduce (two per layer: after attention and after the MLP).
    public var allReduceBytes: Double
}

extension ModelSpec {
    public var kvBytesPerTokenPerLayer: Double { kvBytesPerToken / Double(layers) }

    /// The four GEMMs of a layer, as serving stacks fuse them: QKV (K and V sized by the KV heads),
    /// the output projection, the MLP's up projection (gate and up fused when gated) and its down projection.
    public var layerGEMMs: [GEMMShape] {
        let attention = queryHeads * headDim
        return [GEMMShape(inputs: hiddenSize, outputs: (queryHeads + 2 * kvHeads) * headDim),
                GEMMShape(inputs: attention, outputs: hiddenSize),
                GEMMShape(inputs: hiddenSize, outputs: (ffnMatrices - 1) * ffnSize),
                GEMMShape(inputs: ffnSize, outputs: hiddenSize)]
    }

    /// How many times decode attention reads each KV byte: once per query head sharing the KV head.
    public var gqaReadFactor: Double { Double(queryHeads) / Double(max(kvHeads, 1)) }

    /// The output head (`vocab × hidden`), run for the last position of each sequence only.
    public var headGEMM: GEMMShape { GEMMShape(inputs: hiddenSize, outputs: vocabSize) }

    /// Prefill: every prompt token through the GEMMs; causal attention over half the S×S matrix
    /// (QKᵀ and AV: 2·S²·queryHeads·headDim FLOPs per sequence); every token's K and V written.
    public func prefillLayerCost(_ batch: PrefillBatch) -> LayerCost {
        let tokens = Double(batch.totalTokens)
        return LayerCost(gemmTokens: tokens,
                         attentionFLOPs: 2 * batch.sumSquaredTokens * Double(queryHeads * headDim),
                         kvBytes: tokens * kvBytesPerTokenPerLayer,
                         allReduceBytes: tokens * Double(hiddenSize) * bytesPerWeight)
    }

    /// Decode: one token per sequence through the GEMMs; attention of one query over each context
    /// (4·context·queryHeads·headDim FLOPs). vLLM's paged-attention kernel gives each query head its own
    /// thread block, which reads its KV head's blocks itself: a KV head shared by `queryHeads / kvHeads`
    /// query heads (GQA) is read that many times. The measured decode step grows with context at batch 1
    /// by about 0.2 µs per context token at TP 8, which is this replicated read near full bandwidth and 8×
    /// what one read of each KV byte would cost.
    public func decodeLayerCost(_ batch: DecodeBatch) -> LayerCost { decodeLayerRates.cost(batch) }

    public var decodeLayerRates: DecodeLayerRates {
        DecodeLayerRates(queryWidth: Double(queryHeads * headDim), kvBytesPerTokenPerLayer: kvBytesPerTokenPerLayer,
                         gqaReadFactor: gqaReadFactor, hiddenSize: Double(hiddenSize), bytesPerWeight: bytesPerWeight)
    }
}

/// The shape figures decode's layer cost is made of, unpacked once: a simulation costs a decode step per
/// iteration, and reading them from the model spec each time was a measurable share of its run.
@frozen public struct DecodeLayerRates: Sendable, Equatable {
    @usableFromInline var queryWidth: Double
    @usableFromInline var kvBytesPerTokenPerLayer: Double
    @usableFromInline var gqaReadFactor: Double
    @usableFromInline var hiddenSize: Double
    @usableFromInline var bytesPerWeight: Double

    public func cost(_ batch: DecodeBatch) -> LayerCost {
        let sequences = Double(batch.sequences)
        return LayerCost(gemmTokens: sequences, attentionFLOPs: attentionFLOPs(contextTokens: batch.totalContextTokens),
                         kvBytes: kvBytes(contextTokens: batch.totalContextTokens),
                         allReduceBytes: sequences * hiddenSize * bytesPerWeight)
    }

    @inlinable func attentionFLOPs(contextTokens: Int) -> Double { 4 * Double(contextTokens) * queryWidth }
    @inlinable func kvBytes(contextTokens: Int) -> Double { Double(contextTokens) * kvBytesPerTokenPerLayer * gqaReadFactor }
}
