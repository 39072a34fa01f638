import ClusterModel

/// KV-cache transfer from a prompt machine to a token machine over the machines' network.
///
/// Splitwise sends each layer's KV as soon as that layer's prefill is done, so most of the transfer
/// hides behind prefill. What remains after prefill is the link's tail (the last layer, or the backlog
/// when the link is slower than prefill) plus a fixed per-transfer setup cost: Splitwise measured about
/// 8 ms (DGX-A100) and 5 ms (DGX-H100) visible, nearly independent of prompt size, far more than the
/// last layer's tens of microseconds, so the fixed part is what dominates.
public struct KVTransfer: Sendable {
    public let model: ModelSpec
    public let linkBytesPerSecond: Double
    /// The slower endpoint's fixed handoff cost: both machines take part in the synchronisation.
    public let setupSeconds: Double

    /// The link runs at the slower of the two machines' network bandwidths, each machine's NICs pooled:
    /// every GPU sends its tensor-parallel shard of the KV cache over its own NIC at once.
    public init(model: ModelSpec, from source: MachineSpec, to destination: MachineSpec) {
        self.model = model
        self.linkBytesPerSecond = min(source.infinibandBytesPerSecondPerMachine, destination.infinibandBytesPerSecondPerMachine)
        self.setupSeconds = max(source.kvTransferSetupSeconds, destination.kvTransferSetupSeconds)
    }

    public func bytes(promptTokens: Int) -> Double { Double(promptTokens) * model.kvBytesPerToken }

    /// Time the link is busy moving a prompt's whole KV cache.
    public func totalSeconds(promptTokens: Int) -> Double { bytes(promptTokens: promptTokens) / linkBytesPerSecond }

    /// Link time left after prefill when each layer is sent as soon as it is done: the last layer's
    /// share, or the backlog if the link is slower than prefill.
    public func linkTailSeconds(promptTokens: Int, prefillSeconds: Double) -> Double {
        let total = totalSeconds(promptTokens: promptTokens)
        let layers = Double(model.layers)
        return max(total / layers, total - prefillSeconds * (layers - 1) / layers)
    }

    /// Time from the end of prefill until the token machine holds the KV cache, with the link to itself.
    public func visibleSeconds(promptTokens: Int, prefillSeconds: Double) -> Double {
        linkTailSeconds(promptTokens: promptTokens, prefillSeconds: prefillSeconds) + setupSeconds
    }
}
