import ClusterModel

/// KV-cache transfer from a prompt machine to a token machine over the machines' network.
public struct KVTransfer: Sendable {
    public let model: ModelSpec
    public let linkBytesPerSecond: Double

    /// The link runs at the slower of the two machines' network bandwidths, each machine's NICs pooled:
    /// every GPU sends its tensor-parallel shard of the KV cache over its own NIC at once.
    public init(model: ModelSpec, from source: MachineSpec, to destination: MachineSpec) {
        self.model = model
        self.linkBytesPerSecond = min(source.infinibandBytesPerSecondPerMachine, destination.infinibandBytesPerSecondPerMachine)
    }

    public func bytes(promptTokens: Int) -> Double { Double(promptTokens) * model.kvBytesPerToken }

    /// Time to move a prompt's whole KV cache, serialised.
    public func totalSeconds(promptTokens: Int) -> Double { bytes(promptTokens: promptTokens) / linkBytesPerSecond }

    /// Time left after prefill when each layer's KV is sent as soon as the layer is done (Splitwise's
    /// layer-wise transfer): the last layer's share, or the backlog if the link is slower than prefill.
    public func visibleSeconds(promptTokens: Int, prefillSeconds: Double) -> Double {
        let total = totalSeconds(promptTokens: promptTokens)
        let layers = Double(model.layers)
        return max(total / layers, total - prefillSeconds * (layers - 1) / layers)
    }
}
