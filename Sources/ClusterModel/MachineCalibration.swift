/// Constants of one machine type's software and hardware stack, fitted from measured profiles by the
/// calibration routine and used by the throughput model for every architecture alike.
public struct MachineCalibration: Sendable, Equatable, Codable {
    /// Fraction of dense FP16 peak that large GEMMs reach.
    public var computeEfficiency: Double
    /// GEMM compute efficiency ramps with the tokens M in the batch as M / (M + gemmRampTokens): small-M
    /// GEMMs fill few tiles and waves of the GPU (Vidur's GEMM profiles reach peak only past a few hundred tokens).
    public var gemmRampTokens: Double
    /// Fraction of HBM bandwidth that GEMMs reach reading weights.
    public var memoryEfficiency: Double
    /// Fixed time of one GEMM kernel (launch and tail), seen at one token where a GEMM only streams weights.
    public var gemmOverheadSeconds: Double
    /// Fraction of HBM bandwidth the decode attention kernel reaches on the KV bytes it reads; paged-attention
    /// kernels read scattered blocks per sequence and reach far less than GEMMs do.
    public var decodeAttentionEfficiency: Double
    /// Fraction of the GPU interconnect bandwidth that tensor-parallel all-reduce reaches.
    public var allReduceEfficiency: Double
    /// Latency of one all-reduce call per log2(tensor parallel) hop.
    public var allReduceLatencySeconds: Double
    /// Extra factor on the all-reduce bytes of a step beyond `largeMessageBytes` (large messages leave the fast path).
    public var largeMessageAllReduceSlowdown: Double
    public var largeMessageBytes: Double
    /// Fixed time per layer per step (kernel launches, norms), and the extra a prefill step adds.
    public var layerOverheadSeconds: Double
    public var prefillLayerOverheadSeconds: Double
    /// Fixed time per step (scheduling, sampling).
    public var stepOverheadSeconds: Double
    /// Time per sequence in a step, either phase: the serving stack's per-sequence work (block tables,
    /// sampling, bookkeeping), which is what makes decode steps grow with the batch beyond the KV reads.
    public var sequenceOverheadSeconds: Double
    /// Extra time per prompt in a prefill step: on the A100 profile a batch of prompts takes 10–40 % longer
    /// than one prompt of the same total tokens, which no per-token term can express (fitted, may be 0).
    public var prefillSequenceOverheadSeconds: Double
    /// Share of a decode step's growth with the batch that is kept (not fitted; 1 by default). A batch of
    /// B sequences is costed as 1 + g·(B − 1) sequences of its mean context: 1 is the model as calibrated,
    /// 0 a predictor flat in batch size, as SplitwiseSim's is (docs/splitwise-reproduction.md), for
    /// what-if comparisons only.
    public var decodeBatchGrowth: Double
    public var source: String

    public init(
        computeEfficiency: Double, gemmRampTokens: Double = 0, memoryEfficiency: Double, gemmOverheadSeconds: Double = 0,
        decodeAttentionEfficiency: Double = 1, allReduceEfficiency: Double,
        allReduceLatencySeconds: Double, largeMessageAllReduceSlowdown: Double, largeMessageBytes: Double,
        layerOverheadSeconds: Double, prefillLayerOverheadSeconds: Double, stepOverheadSeconds: Double,
        sequenceOverheadSeconds: Double = 0, prefillSequenceOverheadSeconds: Double = 0, decodeBatchGrowth: Double = 1,
        source: String
    ) {
        self.computeEfficiency = computeEfficiency
        self.gemmRampTokens = gemmRampTokens
        self.memoryEfficiency = memoryEfficiency
        self.gemmOverheadSeconds = gemmOverheadSeconds
        self.decodeAttentionEfficiency = decodeAttentionEfficiency
        self.allReduceEfficiency = allReduceEfficiency
        self.allReduceLatencySeconds = allReduceLatencySeconds
        self.largeMessageAllReduceSlowdown = largeMessageAllReduceSlowdown
        self.largeMessageBytes = largeMessageBytes
        self.layerOverheadSeconds = layerOverheadSeconds
        self.prefillLayerOverheadSeconds = prefillLayerOverheadSeconds
        self.stepOverheadSeconds = stepOverheadSeconds
        self.sequenceOverheadSeconds = sequenceOverheadSeconds
        self.prefillSequenceOverheadSeconds = prefillSequenceOverheadSeconds
        self.decodeBatchGrowth = decodeBatchGrowth
        self.source = source
    }

    /// The JSON keys, in the order calibration files are written.
    public static let keys = [
        "computeEfficiency", "gemmRampTokens", "memoryEfficiency", "gemmOverheadSeconds", "decodeAttentionEfficiency",
        "allReduceEfficiency", "allReduceLatencySeconds", "largeMessageAllReduceSlowdown", "largeMessageBytes",
        "layerOverheadSeconds", "prefillLayerOverheadSeconds", "stepOverheadSeconds", "sequenceOverheadSeconds",
        "prefillSequenceOverheadSeconds", "decodeBatchGrowth", "source",
    ]

    init(json: JSONCursor) throws {
        try json.requireKeys(within: Self.keys)
        let seconds = NumberRule.atLeast(0, atMost: 10)
        self.init(
            computeEfficiency: try json.number("computeEfficiency", .fraction),
            gemmRampTokens: try json.number("gemmRampTokens", .atLeast(0, atMost: 1_000_000)),
            memoryEfficiency: try json.number("memoryEfficiency", .fraction),
            gemmOverheadSeconds: try json.number("gemmOverheadSeconds", seconds),
            decodeAttentionEfficiency: try json.number("decodeAttentionEfficiency", .fraction),
            allReduceEfficiency: try json.number("allReduceEfficiency", .fraction),
            allReduceLatencySeconds: try json.number("allReduceLatencySeconds", seconds),
            largeMessageAllReduceSlowdown: try json.number("largeMessageAllReduceSlowdown", .atLeast(1, atMost: 1000)),
            largeMessageBytes: try json.number("largeMessageBytes", .above(0)),
            layerOverheadSeconds: try json.number("layerOverheadSeconds", seconds),
            prefillLayerOverheadSeconds: try json.number("prefillLayerOverheadSeconds", seconds),
            stepOverheadSeconds: try json.number("stepOverheadSeconds", seconds),
            sequenceOverheadSeconds: try json.number("sequenceOverheadSeconds", seconds),
            prefillSequenceOverheadSeconds: try json.number("prefillSequenceOverheadSeconds", seconds),
            decodeBatchGrowth: try json.optionalNumber("decodeBatchGrowth", .atLeast(0, atMost: 1)) ?? 1,
            source: try json.string("source")
        )
    }
}
