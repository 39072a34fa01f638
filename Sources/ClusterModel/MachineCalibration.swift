/// Constants of one machine type's software and hardware stack, fitted from measured profiles by the
/// calibration routine and used by the throughput model for every architecture alike.
public struct MachineCalibration: Sendable, Equatable, Codable {
    /// Fraction of dense FP16 peak that large GEMMs reach.
    public var computeEfficiency: Double
    /// Fraction of HBM bandwidth that weight and KV reads reach.
    public var memoryEfficiency: Double
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
    public var source: String

    public init(
        computeEfficiency: Double, memoryEfficiency: Double, allReduceEfficiency: Double,
        allReduceLatencySeconds: Double, largeMessageAllReduceSlowdown: Double, largeMessageBytes: Double,
        layerOverheadSeconds: Double, prefillLayerOverheadSeconds: Double, stepOverheadSeconds: Double,
        source: String
    ) {
        self.computeEfficiency = computeEfficiency
        self.memoryEfficiency = memoryEfficiency
        self.allReduceEfficiency = allReduceEfficiency
        self.allReduceLatencySeconds = allReduceLatencySeconds
        self.largeMessageAllReduceSlowdown = largeMessageAllReduceSlowdown
        self.largeMessageBytes = largeMessageBytes
        self.layerOverheadSeconds = layerOverheadSeconds
        self.prefillLayerOverheadSeconds = prefillLayerOverheadSeconds
        self.stepOverheadSeconds = stepOverheadSeconds
        self.source = source
    }

    /// The JSON keys, in the order calibration files are written.
    public static let keys = [
        "computeEfficiency", "memoryEfficiency", "allReduceEfficiency", "allReduceLatencySeconds",
        "largeMessageAllReduceSlowdown", "largeMessageBytes", "layerOverheadSeconds",
        "prefillLayerOverheadSeconds", "stepOverheadSeconds", "source",
    ]

    init(json: JSONCursor) throws {
        try json.requireKeys(within: Self.keys)
        let seconds = NumberRule.atLeast(0, atMost: 10)
        self.init(
            computeEfficiency: try json.number("computeEfficiency", .fraction),
            memoryEfficiency: try json.number("memoryEfficiency", .fraction),
            allReduceEfficiency: try json.number("allReduceEfficiency", .fraction),
            allReduceLatencySeconds: try json.number("allReduceLatencySeconds", seconds),
            largeMessageAllReduceSlowdown: try json.number("largeMessageAllReduceSlowdown", .atLeast(1, atMost: 1000)),
            largeMessageBytes: try json.number("largeMessageBytes", .above(0)),
            layerOverheadSeconds: try json.number("layerOverheadSeconds", seconds),
            prefillLayerOverheadSeconds: try json.number("prefillLayerOverheadSeconds", seconds),
            stepOverheadSeconds: try json.number("stepOverheadSeconds", seconds),
            source: try json.string("source")
        )
    }
}
