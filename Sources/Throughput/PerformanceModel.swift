import ClusterModel

/// Step times of one model instance. The roofline model derives them from arithmetic intensity;
/// another implementation may interpolate a measured profile instead.
public protocol PerformanceModel: Sendable {
    var deployment: Deployment { get }
    func prefillSeconds(_ batch: PrefillBatch) -> Double
    func decodeStepSeconds(_ batch: DecodeBatch) -> Double
    /// One iteration of mixed continuous batching: prompt chunks and one token for each decoding
    /// sequence, in one forward pass.
    func mixedStepSeconds(prefill: PrefillBatch, decode: DecodeBatch) -> Double
}

extension PerformanceModel {
    /// Without a fused model, the two passes one after the other; either alone is exactly its own step.
    public func mixedStepSeconds(prefill: PrefillBatch, decode: DecodeBatch) -> Double {
        (prefill.totalTokens > 0 ? prefillSeconds(prefill) : 0) + (decode.sequences > 0 ? decodeStepSeconds(decode) : 0)
    }

    public func prefillSeconds(promptTokens: Int, batch: Int = 1) -> Double {
        prefillSeconds(PrefillBatch(promptTokens: promptTokens, batch: batch))
    }

    public func decodeStepSeconds(batch: Int, contextTokens: Int) -> Double {
        decodeStepSeconds(DecodeBatch(batch: batch, contextTokens: contextTokens))
    }

    /// A request alone on this instance: its prefill, then one decode step per further output token.
    public func isolatedLatency(promptTokens: Int, outputTokens: Int) -> IsolatedLatency {
        let ttft = prefillSeconds(promptTokens: promptTokens)
        var decode = 0.0
        // Decode steps grow with context; sum them in closed form over a few segments rather than per token.
        let steps = max(outputTokens - 1, 0)
        if steps > 0 {
            let segments = min(steps, 16)
            for segment in 0..<segments {
                let first = segment * steps / segments, last = (segment + 1) * steps / segments
                let midContext = promptTokens + 1 + (first + last) / 2
                decode += Double(last - first) * decodeStepSeconds(batch: 1, contextTokens: midContext)
            }
        }
        return IsolatedLatency(ttftSeconds: ttft, e2eSeconds: ttft + decode, outputTokens: outputTokens)
    }
}

/// Latencies of a request served alone: the denominators of Splitwise's slowdown SLOs.
public struct IsolatedLatency: Sendable, Equatable {
    public var ttftSeconds: Double
    public var e2eSeconds: Double
    public var outputTokens: Int

    /// (E2E − TTFT) / output tokens, as Splitwise defines TBT.
    public var tbtSeconds: Double { (e2eSeconds - ttftSeconds) / Double(max(outputTokens, 1)) }
}
