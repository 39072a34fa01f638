import ClusterModel
import Foundation

/// Step time from arithmetic intensity: per layer, the larger of compute time and memory time,
/// plus two tensor-parallel all-reduces and fixed overheads; then the output head and a per-step overhead.
/// Efficiency and overhead constants come from the machine's calibration, never from the model.
public struct RooflineModel: PerformanceModel {
    public let deployment: Deployment
    private let power: PowerModel

    public init(_ deployment: Deployment) {
        self.deployment = deployment
        self.power = PowerModel(deployment)
    }

    public func prefillSeconds(_ batch: PrefillBatch) -> Double {
        guard batch.totalTokens > 0 else { return 0 }
        let model = deployment.model
        let layer = model.prefillLayerCost(batch)
        let perLayer = stepTime(layer, speed: power.computeSpeed(phaseWatts: deployment.gpu.promptWatts))
            + deployment.calibration.prefillLayerOverheadSeconds
        return finish(perLayer: perLayer, head: model.headCost(sequences: batch.sequences), speed: power.computeSpeed(phaseWatts: deployment.gpu.promptWatts))
    }

    public func decodeStepSeconds(_ batch: DecodeBatch) -> Double {
        guard batch.sequences > 0 else { return 0 }
        let model = deployment.model
        let speed = power.computeSpeed(phaseWatts: deployment.gpu.tokenWatts)
        let perLayer = stepTime(model.decodeLayerCost(batch), speed: speed)
        return finish(perLayer: perLayer, head: model.headCost(sequences: batch.sequences), speed: speed)
    }

    private func finish(perLayer: Double, head: LayerCost, speed: Double) -> Double {
        let calibration = deployment.calibration
        let layers = Double(deployment.model.layers)
        return layers * (perLayer + calibration.layerOverheadSeconds) + roofline(head, speed: speed)
            + calibration.stepOverheadSeconds
    }

    private func stepTime(_ cost: LayerCost, speed: Double) -> Double {
        roofline(cost, speed: speed) + 2 * allReduceSeconds(bytes: cost.allReduceBytes)
    }

    /// max(compute, memory) for work split evenly over the tensor-parallel GPUs.
    private func roofline(_ cost: LayerCost, speed: Double) -> Double {
        let gpu = deployment.gpu, calibration = deployment.calibration
        let degree = Double(deployment.tensorParallel)
        let compute = cost.flops / (degree * gpu.peakFLOPSPerSecond * calibration.computeEfficiency * speed)
        let memory = cost.memoryBytes / (degree * gpu.memoryBandwidthBytesPerSecond * calibration.memoryEfficiency)
        return max(compute, memory)
    }

    /// One all-reduce: latency per log2(TP) hop, plus ring traffic 2·(TP−1)/TP of the message over the
    /// interconnect; bytes beyond the large-message threshold move `largeMessageAllReduceSlowdown` times slower.
    func allReduceSeconds(bytes: Double) -> Double {
        let degree = deployment.tensorParallel
        guard degree > 1 else { return 0 }
        let calibration = deployment.calibration
        let threshold = calibration.largeMessageBytes
        let effectiveBytes = min(bytes, threshold) + calibration.largeMessageAllReduceSlowdown * max(0, bytes - threshold)
        let ringFactor = 2 * Double(degree - 1) / Double(degree)
        let bandwidth = deployment.gpu.interconnectBytesPerSecond * calibration.allReduceEfficiency
        return calibration.allReduceLatencySeconds * log2(Double(degree)) + effectiveBytes * ringFactor / bandwidth
    }
}
