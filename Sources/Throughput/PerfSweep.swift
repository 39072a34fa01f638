/// Performance over typical sizes: prefill by prompt length, decode by batch size.
public struct PerfSweep: Sendable, Codable, Equatable {
    public struct PrefillRow: Sendable, Codable, Equatable {
        public var promptTokens: Int
        public var prefillSeconds: Double
        public var prefillTokensPerSecond: Double
    }

    public struct DecodeRow: Sendable, Codable, Equatable {
        public var batch: Int
        public var decodeStepSeconds: Double
        public var decodeTokensPerSecond: Double
        public var fitsInMemory: Bool
    }

    public static let promptSizes = [128, 256, 512, 1024, 2048, 4096, 8192]
    public static let batchSizes = [1, 8, 16, 32, 64, 128, 256]

    public var summary: PerformanceSummary
    public var prefill: [PrefillRow]
    public var decode: [DecodeRow]

    public init(_ performance: any PerformanceModel, contextTokens: Int) {
        let instances = Double(performance.deployment.instancesPerMachine)
        summary = PerformanceSummary(model: performance, promptTokens: contextTokens, batch: 1, contextTokens: contextTokens)
        prefill = Self.promptSizes.map { tokens in
            let seconds = performance.prefillSeconds(promptTokens: tokens)
            return PrefillRow(promptTokens: tokens, prefillSeconds: seconds, prefillTokensPerSecond: instances * Double(tokens) / seconds)
        }
        let maxBatch = summary.maxBatch
        decode = Self.batchSizes.map { batch in
            let seconds = performance.decodeStepSeconds(batch: batch, contextTokens: contextTokens)
            return DecodeRow(batch: batch, decodeStepSeconds: seconds, decodeTokensPerSecond: instances * Double(batch) / seconds,
                             fitsInMemory: batch <= maxBatch)
        }
    }
}
